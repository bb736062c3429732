//! The desk's queue as JSON (`GET /v1/desk/queue?tab=&page=`) under the staff bearer token: the
//! same rows the workbench's 办件队列 shows, for the staff member's department only. Merged into
//! the router in one line.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use shimin_wire::error::ErrorCode;
use shimin_wire::workflow::{QueuePageView, QueueTabDto};

use super::error::ApiError;
use super::extract::Staff;
use super::{ApiResult, AppState};
use crate::service::desk::cases::CaseError;

/// The route, to merge into the router.
pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/v1/desk/queue", get(queue))
}

/// `?tab=pre_review|in_approval|overdue|closed&page=N` (page from 1).
#[derive(Debug, Deserialize)]
struct QueueQuery {
    #[serde(default)]
    tab: Option<QueueTabDto>,
    #[serde(default)]
    page: Option<u32>,
}

async fn queue(
    State(s): State<AppState>,
    Staff(staff): Staff,
    Query(query): Query<QueueQuery>,
) -> ApiResult<Json<QueuePageView>> {
    let tab = query.tab.unwrap_or(QueueTabDto::PreReview);
    match s.backend.desk_queue(&staff, tab, query.page.unwrap_or(1)).await {
        Ok(view) => Ok(Json(view)),
        Err(CaseError::BadRequest(what)) => {
            Err(ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::BadRequest, format!("bad {what}")))
        }
        Err(e) => {
            // Kinds only: nothing of an application is in the log.
            tracing::error!(error = %e, "desk queue failure");
            Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::Unavailable,
                "queue unavailable, retry later",
            ))
        }
    }
}
