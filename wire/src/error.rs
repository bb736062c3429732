//! The codes of the backend's error answers ([`crate::backend::ErrorResponse`]), one enum shared
//! by the server that writes them and the client that reads them, so the app tells refusals
//! apart by code — never by HTTP status or by comparing strings.
//!
//! Each code is always sent with the same status (the one in its documentation), except the
//! few that describe the body rather than the request's meaning (`bad_json`). A code names the
//! kind of refusal, never a value: no personal data is ever in one.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why the backend refused or failed a request. On the wire a `snake_case` string; a code this
/// build does not know (from a newer server) reads as [`ErrorCode::Unknown`], never as an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// 400: a field, a parameter or the body does not parse (an ID number, a key, a cursor, a
    /// date, an empty body…).
    BadRequest,
    /// 400 (or another 4xx): the body is not valid JSON, or could not be read.
    BadJson,
    /// 422: the JSON body does not have the expected fields.
    InvalidBody,
    /// 415: a JSON body without `Content-Type: application/json`.
    UnsupportedMediaType,
    /// 413: the body is larger than the route accepts.
    PayloadTooLarge,
    /// 401: no valid bearer token (missing, expired, revoked), or a wrong staff login.
    Unauthorized,
    /// 401: the one-time enrolment code is unknown, used, expired or another citizen's.
    BadEnrolmentCode,
    /// 403: authenticated, but not allowed (another department's certificate, a reviewer
    /// issuing…).
    Forbidden,
    /// 404: no such route, or nothing the caller may see there (a certificate, a device, a
    /// case, a liveness check, a department…).
    NotFound,
    /// 404: the ID number is valid but not in the registry (staff routes; the unauthenticated
    /// liveness enrolment route answers [`ErrorCode::NoRegistryPhoto`] instead).
    UnknownCitizen,
    /// 409: it clashes with what exists (a login taken, a certificate already revoked, a case
    /// not ready to proceed…).
    Conflict,
    /// 409: a device with this key is registered already.
    DeviceAlreadyRegistered,
    /// 409: this liveness check was answered already; each challenge is answered once.
    AlreadyAnswered,
    /// 409: the citizen has confirmed this registration case already.
    AlreadyConfirmed,
    /// 409: the citizen has declined this registration case already.
    AlreadyDeclined,
    /// 410: the time to answer this identity request has passed.
    RequestExpired,
    /// 422: well-formed, but it cannot be done (a department without an active key, a citizen
    /// without a household…).
    Unprocessable,
    /// 422: no liveness check can be compared with the registry for this citizen now. On the
    /// unauthenticated enrolment route it is the one answer for an unknown ID number, a number
    /// without a registry photo and a number whose enrolment checks for the day are used up,
    /// so that the route tells no one who is registered; on a case check, no registry photo.
    NoRegistryPhoto,
    /// 422: the liveness check did not pass (why is for the server's log only).
    LivenessFailed,
    /// 429: too many requests from this address; slow down and retry later.
    TooManyRequests,
    /// 429: the citizen's own liveness checks (asked for by an enrolled device) for the last
    /// 24 hours are used up.
    AttemptsExhausted,
    /// 503: the storage or a part of the service (the liveness judge's models) is unavailable;
    /// retry later.
    Unavailable,
    /// 500: the server failed (a key, a signature or a certificate could not be made).
    Internal,
    /// A code this build does not know (a newer server), or an error answer without a readable
    /// body (a proxy's page). The server never sends it.
    #[serde(other)]
    Unknown,
}

impl ErrorCode {
    /// Every code the server sends (all but [`ErrorCode::Unknown`]).
    pub const ALL: [ErrorCode; 23] = [
        ErrorCode::BadRequest,
        ErrorCode::BadJson,
        ErrorCode::InvalidBody,
        ErrorCode::UnsupportedMediaType,
        ErrorCode::PayloadTooLarge,
        ErrorCode::Unauthorized,
        ErrorCode::BadEnrolmentCode,
        ErrorCode::Forbidden,
        ErrorCode::NotFound,
        ErrorCode::UnknownCitizen,
        ErrorCode::Conflict,
        ErrorCode::DeviceAlreadyRegistered,
        ErrorCode::AlreadyAnswered,
        ErrorCode::AlreadyConfirmed,
        ErrorCode::AlreadyDeclined,
        ErrorCode::RequestExpired,
        ErrorCode::Unprocessable,
        ErrorCode::NoRegistryPhoto,
        ErrorCode::LivenessFailed,
        ErrorCode::TooManyRequests,
        ErrorCode::AttemptsExhausted,
        ErrorCode::Unavailable,
        ErrorCode::Internal,
    ];

    /// The code as it is written on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::BadJson => "bad_json",
            ErrorCode::InvalidBody => "invalid_body",
            ErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::BadEnrolmentCode => "bad_enrolment_code",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::NotFound => "not_found",
            ErrorCode::UnknownCitizen => "unknown_citizen",
            ErrorCode::Conflict => "conflict",
            ErrorCode::DeviceAlreadyRegistered => "device_already_registered",
            ErrorCode::AlreadyAnswered => "already_answered",
            ErrorCode::AlreadyConfirmed => "already_confirmed",
            ErrorCode::AlreadyDeclined => "already_declined",
            ErrorCode::RequestExpired => "request_expired",
            ErrorCode::Unprocessable => "unprocessable",
            ErrorCode::NoRegistryPhoto => "no_registry_photo",
            ErrorCode::LivenessFailed => "liveness_failed",
            ErrorCode::TooManyRequests => "too_many_requests",
            ErrorCode::AttemptsExhausted => "attempts_exhausted",
            ErrorCode::Unavailable => "unavailable",
            ErrorCode::Internal => "internal",
            ErrorCode::Unknown => "unknown",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorCode;
    use crate::backend::ErrorResponse;

    #[test]
    fn every_code_is_written_as_its_name_and_read_back() {
        for code in ErrorCode::ALL.into_iter().chain([ErrorCode::Unknown]) {
            let json = serde_json::to_string(&code).expect("serialise");
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert_eq!(serde_json::from_str::<ErrorCode>(&json).expect("parse"), code);
        }
        assert!(!ErrorCode::ALL.contains(&ErrorCode::Unknown), "the server never sends it");
    }

    #[test]
    fn a_code_from_a_newer_server_reads_as_unknown() {
        let body = r#"{"error":"queue_closed","message":"the service hall is closed today"}"#;
        let parsed: ErrorResponse = serde_json::from_str(body).expect("an unknown code still parses");
        assert_eq!(parsed.error, ErrorCode::Unknown);
        assert_eq!(parsed.message, "the service hall is closed today");
        let known: ErrorResponse =
            serde_json::from_str(r#"{"error":"attempts_exhausted","message":"m"}"#).expect("parse");
        assert_eq!(known.error, ErrorCode::AttemptsExhausted);
    }
}
