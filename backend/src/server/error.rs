//! The HTTP face of [`ServiceError`]: a status code and an [`ErrorResponse`] body with a fixed
//! text. Storage failures are logged by kind only.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use shimin_wire::backend::ErrorResponse;

use crate::service::ServiceError;
use crate::store::StoreError;

/// An error as the API answers it.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl ApiError {
    /// An error with this status, code and fixed message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into() }
    }

    /// The status code.
    pub fn status(&self) -> StatusCode {
        self.status
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::BadInput(m) => Self::new(StatusCode::BAD_REQUEST, "bad_request", m),
            ServiceError::Unprocessable(m) => Self::new(StatusCode::UNPROCESSABLE_ENTITY, "unprocessable", m),
            ServiceError::Unauthorized => {
                Self::new(StatusCode::UNAUTHORIZED, "unauthorized", "a valid bearer token is required")
            }
            ServiceError::Forbidden(m) => Self::new(StatusCode::FORBIDDEN, "forbidden", m),
            ServiceError::NotFound(m) => {
                Self::new(StatusCode::NOT_FOUND, "not_found", format!("{m} not found"))
            }
            ServiceError::Conflict(m) => Self::new(StatusCode::CONFLICT, "conflict", m),
            ServiceError::TooManyRequests => {
                Self::new(StatusCode::TOO_MANY_REQUESTS, "too_many_requests", "slow down and retry later")
            }
            ServiceError::Store(StoreError::Conflict) => {
                Self::new(StatusCode::CONFLICT, "conflict", "it already exists")
            }
            ServiceError::Store(store) => {
                // Kinds only: a PostgreSQL error's detail may quote the values of a row.
                match &store {
                    StoreError::Postgres(pg) => {
                        tracing::error!(sqlstate = ?pg.code().map(|c| c.code()), "postgres failure")
                    }
                    other => tracing::error!(error = %other, "storage failure"),
                }
                Self::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "storage unavailable, retry later")
            }
            ServiceError::LivenessFailed => Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "liveness_failed",
                "the liveness check did not pass",
            ),
            ServiceError::Unavailable(what) => Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                format!("{what} unavailable, retry later"),
            ),
            ServiceError::Signing(what) => {
                tracing::error!(what, "signing failure");
                Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "internal error")
            }
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        // Fixed texts: serde's messages may quote the (personal) input.
        let status = rejection.status();
        match status {
            StatusCode::PAYLOAD_TOO_LARGE => Self::new(status, "payload_too_large", "request body too large"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => {
                Self::new(status, "unsupported_media_type", "expected Content-Type: application/json")
            }
            StatusCode::UNPROCESSABLE_ENTITY => {
                Self::new(status, "invalid_body", "the JSON body does not have the expected fields")
            }
            _ if status.is_client_error() => Self::new(status, "bad_json", "the body is not valid JSON"),
            _ => Self::new(StatusCode::BAD_REQUEST, "bad_json", "the body could not be read"),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorResponse { error: self.code.to_owned(), message: self.message };
        (self.status, Json(body)).into_response()
    }
}
