//! The applications' routes (issue 17), merged into the router in one line: for now the desk's
//! JSON (`/v1/desk/applications/{id}` and its actions) under the staff bearer token. The
//! citizen's routes under the device token are still to come.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use shimin_core::application::submission::ApplicationId;
use shimin_core::application::workflow::Event;
use shimin_core::cert::CreditCode;
use shimin_wire::error::ErrorCode;
use shimin_wire::workflow::{DeskActionRequest, EventView, TimelineView};

use super::error::ApiError;
use super::extract::{ApiJson, Device, Staff};
use super::{ApiResult, AppState};
use crate::now;
use crate::service::applications::{ApplicationError, DeskError, takes_part};
use crate::store::{ApplicationRecord, StaffRecord};

/// The citizen's routes, merged into the `/v1/sync` router (under its device token).
pub(super) fn citizen_routes() -> Router<AppState> {
    Router::new().route("/applications/{id}", get(my_application))
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

/// A stored event as core's (the stored ones were written from core's, so a unit parses).
fn event_of(view: EventView) -> Event {
    Event {
        action: view.action,
        step: view.step,
        officer: view.officer,
        unit: view.unit.as_deref().and_then(|u| CreditCode::parse(u).ok()),
        start: view.start,
        end: view.end,
        note: view.note,
    }
}

async fn timeline(s: &AppState, record: &ApplicationRecord) -> ApiResult<TimelineView> {
    let events = s.backend.store.application_events(record.id).await.map_err(ApplicationError::from)?;
    let events: Vec<Event> = events.into_iter().map(event_of).collect();
    Ok(record.state.timeline(&events, s.backend.calendar()).map_err(ApplicationError::from)?)
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
