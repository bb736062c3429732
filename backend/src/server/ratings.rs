//! The routes of 好差评, rectifications, the 材料库 and results (issue 17), merged into the
//! router with one line each: the citizen's under the `/v1/sync` device token, the department's
//! `/v1/desk/rectifications…` under the staff token. Thin: each parses its path and body and calls
//! one `Backend` method of `service::ratings` or `service::results`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use shimin_core::application::rating::RatingError;
use shimin_core::application::submission::ApplicationId;
use shimin_wire::application::{
    LibraryItemView, RatingRequest, RatingView, RectificationRatingRequest, RectificationReportRequest,
    RectificationRow, RectificationView, ResultDocumentView,
};
use shimin_wire::error::ErrorCode;

use super::error::ApiError;
use super::extract::{ApiJson, Device, Staff};
use super::{ApiResult, AppState};
use crate::now;
use crate::service::ratings::RatingsError;
use crate::service::results::ResultsError;

/// The citizen's routes, merged into the `/v1/sync` router (under its device token).
pub(super) fn citizen_routes() -> Router<AppState> {
    Router::new()
        .route("/applications/{id}/rating", get(my_rating).post(rate))
        .route("/applications/{id}/rectification/rating", post(rate_rectification))
        .route("/applications/{id}/result", get(my_result))
        .route("/library", get(my_library))
}

/// The department's routes, under the staff token.
pub(super) fn desk_routes() -> Router<AppState> {
    Router::new()
        .route("/v1/desk/rectifications", get(tickets))
        .route("/v1/desk/rectifications/{id}/call-back", post(call_back))
        .route("/v1/desk/rectifications/{id}/report", post(report))
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

impl From<RatingsError> for ApiError {
    fn from(e: RatingsError) -> Self {
        let conflict = |m: &str| ApiError::new(StatusCode::CONFLICT, ErrorCode::Conflict, m);
        let refused =
            |m: String| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::Unprocessable, m);
        match e {
            RatingsError::NotFound => ApiError::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, "not found"),
            RatingsError::IdMismatch => ApiError::new(
                StatusCode::BAD_REQUEST,
                ErrorCode::BadRequest,
                "the body's application id is not the path's",
            ),
            RatingsError::AlreadyDone => conflict("already done"),
            RatingsError::Refused(RatingError::AlreadyRated) => conflict("already rated"),
            RatingsError::Refused(RatingError::NotDecided) => conflict("the application is not decided yet"),
            RatingsError::Refused(RatingError::WrongStep) => {
                conflict("the rectification is not at that step")
            }
            RatingsError::Refused(other) => refused(other.to_string()),
            RatingsError::Application(e) => e.into(),
        }
    }
}

/// The citizen rates their decided application once (`RatingRequest` → `RatingView`, 201).
async fn rate(
    State(s): State<AppState>,
    Device(device): Device,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<RatingRequest>,
) -> ApiResult<(StatusCode, Json<RatingView>)> {
    let view = s.backend.rate_application(&device.citizen_id_number, parse_id(&id)?, request, now()).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// The citizen's rating of their application; 404 before they rated.
async fn my_rating(
    State(s): State<AppState>,
    Device(device): Device,
    Path(id): Path<String>,
) -> ApiResult<Json<RatingView>> {
    let view = s.backend.application_rating(&device.citizen_id_number, parse_id(&id)?).await?;
    view.map(Json).ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, "not rated"))
}

/// The citizen rates the rectification once, after the department's report.
async fn rate_rectification(
    State(s): State<AppState>,
    Device(device): Device,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<RectificationRatingRequest>,
) -> ApiResult<Json<RectificationView>> {
    let id = parse_id(&id)?;
    Ok(Json(s.backend.rate_rectification(&device.citizen_id_number, id, request, now()).await?))
}

/// The department's tickets, oldest first, late ones flagged.
async fn tickets(State(s): State<AppState>, Staff(staff): Staff) -> ApiResult<Json<Vec<RectificationRow>>> {
    Ok(Json(s.backend.department_rectifications(&staff, now()).await?))
}

/// The department called the citizen back; once.
async fn call_back(
    State(s): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<String>,
) -> ApiResult<Json<RectificationView>> {
    Ok(Json(s.backend.rectification_call_back(&staff, parse_id(&id)?, now()).await?))
}

/// The department reports what it did, after the call-back; once.
async fn report(
    State(s): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<RectificationReportRequest>,
) -> ApiResult<Json<RectificationView>> {
    Ok(Json(s.backend.rectification_report(&staff, parse_id(&id)?, &request.outcome, now()).await?))
}

/// The citizen's 材料库.
async fn my_library(
    State(s): State<AppState>,
    Device(device): Device,
) -> ApiResult<Json<Vec<LibraryItemView>>> {
    Ok(Json(s.backend.library(&device.citizen_id_number).await?))
}

/// The signed result document of the citizen's application; 404 for another's or none.
async fn my_result(
    State(s): State<AppState>,
    Device(device): Device,
    Path(id): Path<String>,
) -> ApiResult<Json<ResultDocumentView>> {
    Ok(Json(s.backend.result_document(&device.citizen_id_number, parse_id(&id)?).await?))
}

impl From<ResultsError> for ApiError {
    fn from(e: ResultsError) -> Self {
        match e {
            ResultsError::NotFound => ApiError::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, "not found"),
            ResultsError::Application(e) => e.into(),
            other => {
                // Kinds only: nothing of the application is in the log.
                tracing::error!(error = %other, "result failure");
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal, "internal error")
            }
        }
    }
}
