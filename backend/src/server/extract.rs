//! Extractors: JSON bodies with our error shape, and bearer-token authentication.

use axum::Json;
use axum::extract::{FromRequest, FromRequestParts, OptionalFromRequest, Request};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use shimin_wire::error::ErrorCode;

use super::AppState;
use super::error::ApiError;
use crate::service::ServiceError;
use crate::store::{DeviceRecord, StaffRecord};

/// A JSON body; refusals answer with [`ApiError`] (400, 413, 415 or 422), never a panic.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let Json(value) = <Json<T> as FromRequest<S>>::from_request(req, state).await?;
        Ok(Self(value))
    }
}

/// An optional JSON body: none without a JSON content type, refused like [`ApiJson`] when
/// malformed.
impl<S: Send + Sync, T: DeserializeOwned> OptionalFromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Option<Self>, Self::Rejection> {
        let value = <Json<T> as OptionalFromRequest<S>>::from_request(req, state).await?;
        Ok(value.map(|Json(v)| Self(v)))
    }
}

/// The bearer token of a request.
pub fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim()).filter(|t| !t.is_empty() && t.len() <= 256)
}

/// A request made by a logged-in staff member.
#[derive(Debug)]
pub struct Staff(pub StaffRecord);

impl FromRequestParts<AppState> for Staff {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = bearer(parts).ok_or(ServiceError::Unauthorized)?;
        Ok(Self(state.backend.staff_for_token(token, crate::now()).await?))
    }
}

/// A request made by a registered device with a live device token (set by the `/v1/sync`
/// middleware).
#[derive(Debug, Clone)]
pub struct Device(pub DeviceRecord);

impl FromRequestParts<AppState> for Device {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(device) = parts.extensions.get::<Device>() {
            return Ok(device.clone());
        }
        let token = bearer(parts).ok_or(ServiceError::Unauthorized)?;
        Ok(Self(state.backend.device_for_token(token, crate::now()).await?))
    }
}

/// A binary body (a signed liveness frame batch, COSE): at most the route's body limit, not empty;
/// refusals answer with [`ApiError`] (400, 413).
#[derive(Debug)]
pub struct BinaryBody(pub Vec<u8>);

impl<S: Send + Sync> FromRequest<S> for BinaryBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::Bytes::from_request(req, state).await.map_err(|rejection| {
            let status = rejection.status();
            if status == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(status, ErrorCode::PayloadTooLarge, "request body too large")
            } else {
                ApiError::new(
                    axum::http::StatusCode::BAD_REQUEST,
                    ErrorCode::BadRequest,
                    "the body could not be read",
                )
            }
        })?;
        if bytes.is_empty() {
            return Err(ServiceError::BadInput("the body is empty").into());
        }
        Ok(Self(bytes.to_vec()))
    }
}
