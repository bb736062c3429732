//! The HTTP face of [`ServiceError`]: a status code and an [`ErrorResponse`] body with an
//! [`ErrorCode`] (the one table of which refusal gets which code and status) and a fixed text.
//! Storage failures are logged by kind only.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use shimin_wire::backend::ErrorResponse;
use shimin_wire::error::ErrorCode;

use crate::service::ServiceError;
use crate::store::StoreError;

/// An error as the API answers it.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: ErrorCode,
    message: String,
}

impl ApiError {
    /// An error with this status, code and fixed message.
    pub fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
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
            ServiceError::BadInput(m) => Self::new(StatusCode::BAD_REQUEST, ErrorCode::BadRequest, m),
            ServiceError::Unprocessable(m) => {
                Self::new(StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::Unprocessable, m)
            }
            ServiceError::Unauthorized => Self::new(
                StatusCode::UNAUTHORIZED,
                ErrorCode::Unauthorized,
                "a valid bearer token is required",
            ),
            ServiceError::BadEnrolmentCode => Self::new(
                StatusCode::UNAUTHORIZED,
                ErrorCode::BadEnrolmentCode,
                "the enrolment code is unknown, used, expired or not this citizen's",
            ),
            ServiceError::Forbidden(m) => Self::new(StatusCode::FORBIDDEN, ErrorCode::Forbidden, m),
            ServiceError::NotFound(m) => {
                Self::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, format!("{m} not found"))
            }
            ServiceError::UnknownCitizen => {
                Self::new(StatusCode::NOT_FOUND, ErrorCode::UnknownCitizen, "citizen not found")
            }
            ServiceError::Conflict(m) => Self::new(StatusCode::CONFLICT, ErrorCode::Conflict, m),
            ServiceError::DeviceAlreadyRegistered => Self::new(
                StatusCode::CONFLICT,
                ErrorCode::DeviceAlreadyRegistered,
                "device key already registered",
            ),
            ServiceError::AlreadyAnswered => Self::new(
                StatusCode::CONFLICT,
                ErrorCode::AlreadyAnswered,
                "this liveness check was answered already",
            ),
            ServiceError::AlreadyConfirmed => {
                Self::new(StatusCode::CONFLICT, ErrorCode::AlreadyConfirmed, "already confirmed")
            }
            ServiceError::AlreadyDeclined => {
                Self::new(StatusCode::CONFLICT, ErrorCode::AlreadyDeclined, "already declined")
            }
            ServiceError::RequestExpired => Self::new(
                StatusCode::GONE,
                ErrorCode::RequestExpired,
                "the time to answer this request has passed",
            ),
            ServiceError::TooManyRequests => Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                ErrorCode::TooManyRequests,
                "slow down and retry later",
            ),
            ServiceError::AttemptsExhausted => Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                ErrorCode::AttemptsExhausted,
                "the liveness checks for today are used up",
            ),
            ServiceError::NoRegistryPhoto(m) => {
                Self::new(StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::NoRegistryPhoto, m)
            }
            ServiceError::Store(StoreError::Conflict) => {
                Self::new(StatusCode::CONFLICT, ErrorCode::Conflict, "it already exists")
            }
            ServiceError::Store(store) => {
                // Kinds only: a PostgreSQL error's detail may quote the values of a row.
                match &store {
                    StoreError::Postgres(pg) => {
                        tracing::error!(sqlstate = ?pg.code().map(|c| c.code()), "postgres failure")
                    }
                    other => tracing::error!(error = %other, "storage failure"),
                }
                Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    ErrorCode::Unavailable,
                    "storage unavailable, retry later",
                )
            }
            ServiceError::LivenessFailed => Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::LivenessFailed,
                "the liveness check did not pass",
            ),
            ServiceError::Unavailable(what) => Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::Unavailable,
                format!("{what} unavailable, retry later"),
            ),
            ServiceError::Signing(what) => {
                tracing::error!(what, "signing failure");
                Self::new(StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal, "internal error")
            }
            ServiceError::KeyFile(error) => {
                tracing::error!(%error, "key file failure");
                Self::new(StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal, "internal error")
            }
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        // Fixed texts: serde's messages may quote the (personal) input.
        let status = rejection.status();
        match status {
            StatusCode::PAYLOAD_TOO_LARGE => {
                Self::new(status, ErrorCode::PayloadTooLarge, "request body too large")
            }
            StatusCode::UNSUPPORTED_MEDIA_TYPE => {
                Self::new(status, ErrorCode::UnsupportedMediaType, "expected Content-Type: application/json")
            }
            StatusCode::UNPROCESSABLE_ENTITY => {
                Self::new(status, ErrorCode::InvalidBody, "the JSON body does not have the expected fields")
            }
            _ if status.is_client_error() => {
                Self::new(status, ErrorCode::BadJson, "the body is not valid JSON")
            }
            _ => Self::new(StatusCode::BAD_REQUEST, ErrorCode::BadJson, "the body could not be read"),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorResponse { error: self.code, message: self.message };
        (self.status, Json(body)).into_response()
    }
}
