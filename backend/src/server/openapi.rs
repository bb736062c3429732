//! `GET /openapi.json`: an OpenAPI 3.1 description of the routes, built with utoipa.

use axum::Json;
use utoipa::openapi::path::{HttpMethod, OperationBuilder, PathItem};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{
    ComponentsBuilder, InfoBuilder, OpenApi, OpenApiBuilder, PathsBuilder, ResponseBuilder,
};

/// Who may call a route.
#[derive(Clone, Copy)]
enum Auth {
    Public,
    Staff,
    Device,
}

/// (method, path, auth, summary, success status, body type in `shimin_wire::backend`).
const ROUTES: &[(HttpMethod, &str, Auth, &str, &str)] = &[
    (
        HttpMethod::Get,
        "/healthz",
        Auth::Public,
        "Liveness and the number of citizens (HealthResponse)",
        "200",
    ),
    (HttpMethod::Get, "/openapi.json", Auth::Public, "This description", "200"),
    (
        HttpMethod::Get,
        "/v1/trust-list",
        Auth::Public,
        "The root-signed trust list (COSE); strong ETag, If-None-Match gives 304",
        "200",
    ),
    (HttpMethod::Get, "/v1/root-key", Auth::Public, "The national root public key, SEC1", "200"),
    (
        HttpMethod::Get,
        "/v1/status-lists/{id}",
        Auth::Public,
        "A signed Token Status List (COSE) with ttl; ETag",
        "200",
    ),
    (
        HttpMethod::Post,
        "/v1/staff/login",
        Auth::Public,
        "StaffLoginRequest -> StaffLoginResponse; rate limited",
        "200",
    ),
    (HttpMethod::Post, "/v1/staff/logout", Auth::Staff, "Revokes the staff token", "204"),
    (
        HttpMethod::Post,
        "/v1/staff/certificates",
        Auth::Staff,
        "IssueCertificateRequest -> CertificateView; own department's types only",
        "201",
    ),
    (
        HttpMethod::Get,
        "/v1/staff/certificates/{id}",
        Auth::Staff,
        "CertificateView of the own department",
        "200",
    ),
    (
        HttpMethod::Post,
        "/v1/staff/certificates/{id}/status",
        Auth::Staff,
        "StatusChangeRequest (revoke, suspend, reinstate) -> CertificateView",
        "200",
    ),
    (
        HttpMethod::Post,
        "/v1/staff/certificates/{id}/renew",
        Auth::Staff,
        "RenewCertificateRequest -> CertificateView of the next version",
        "201",
    ),
    (
        HttpMethod::Post,
        "/v1/staff/enrolment-codes",
        Auth::Staff,
        "EnrolmentCodeRequest -> EnrolmentCodeResponse",
        "201",
    ),
    (
        HttpMethod::Post,
        "/v1/staff/key-rotation",
        Auth::Staff,
        "Retires the department's key, adds a new one -> KeyRotationResponse",
        "200",
    ),
    (
        HttpMethod::Post,
        "/v1/devices",
        Auth::Public,
        "RegisterDeviceRequest (one-time enrolment code) -> RegisterDeviceResponse; rate limited",
        "201",
    ),
    (
        HttpMethod::Post,
        "/v1/devices/{id}/challenge",
        Auth::Public,
        "-> ChallengeResponse; rate limited",
        "200",
    ),
    (
        HttpMethod::Post,
        "/v1/devices/{id}/token",
        Auth::Public,
        "DeviceTokenRequest (signed challenge) -> DeviceTokenResponse; rate limited",
        "200",
    ),
    (HttpMethod::Get, "/v1/sync/pull", Auth::Device, "?cursor= -> SyncPullResponse", "200"),
    (
        HttpMethod::Post,
        "/v1/sync/push",
        Auth::Device,
        "SyncPushRequest -> SyncPushResponse; idempotent per key",
        "200",
    ),
    (HttpMethod::Get, "/v1/sync/certificates", Auth::Device, "The citizen's CertificateViews", "200"),
    (
        HttpMethod::Get,
        "/v1/sync/certificates/{id}",
        Auth::Device,
        "One of the citizen's CertificateViews (404 for others')",
        "200",
    ),
    (
        HttpMethod::Delete,
        "/v1/sync/devices/{id}",
        Auth::Device,
        "Removes one of the citizen's devices and revokes its tokens",
        "204",
    ),
    (HttpMethod::Post, "/v1/sync/logout", Auth::Device, "Revokes the device token", "204"),
    (
        HttpMethod::Post,
        "/v1/enrolment/liveness",
        Auth::Public,
        "LivenessEnrolmentRequest -> LivenessChallengeResponse; 422 without a registry photo, 429 after the \
         daily attempts; rate limited",
        "201",
    ),
    (
        HttpMethod::Post,
        "/v1/enrolment/liveness/{id}",
        Auth::Public,
        "Signed liveness evidence (COSE_Sign1 by the new device key) -> LivenessEnrolmentResponse; 422 \
         liveness_failed, 409 answered already; rate limited",
        "201",
    ),
    (
        HttpMethod::Post,
        "/v1/staff/cases",
        Auth::Staff,
        "OpenCaseRequest -> CaseView; the department that registers companies only",
        "201",
    ),
    (HttpMethod::Get, "/v1/staff/cases/{id}", Auth::Staff, "CaseView of the own department", "200"),
    (
        HttpMethod::Post,
        "/v1/staff/cases/{id}/proceed",
        Auth::Staff,
        "-> CaseView; 409 until every party has confirmed",
        "200",
    ),
    (
        HttpMethod::Get,
        "/v1/sync/identity-requests",
        Auth::Device,
        "The open cases naming the citizen (IdentityRequestView list)",
        "200",
    ),
    (
        HttpMethod::Post,
        "/v1/sync/identity-requests/{id}/liveness",
        Auth::Device,
        "-> LivenessChallengeResponse to confirm the case; 409 confirmed already",
        "201",
    ),
    (
        HttpMethod::Post,
        "/v1/sync/liveness-checks/{id}",
        Auth::Device,
        "Signed liveness evidence (COSE_Sign1 by the device key) confirms the case; 422 liveness_failed, \
         409 answered already",
        "204",
    ),
];

/// The description.
pub fn document() -> OpenApi {
    let mut paths = PathsBuilder::new();
    let mut items: Vec<(&str, PathItem)> = Vec::new();
    for (method, path, auth, summary, status) in ROUTES {
        let mut op = OperationBuilder::new()
            .summary(Some(*summary))
            .response(*status, ResponseBuilder::new().description("success"))
            .response("400", ResponseBuilder::new().description("bad input (ErrorResponse)"))
            .response("429", ResponseBuilder::new().description("rate limited (ErrorResponse)"));
        match auth {
            Auth::Public => {}
            Auth::Staff => {
                op = op
                    .security(SecurityRequirement::new("staff_token", Vec::<String>::new()))
                    .response("401", ResponseBuilder::new().description("no valid staff token"))
                    .response("403", ResponseBuilder::new().description("another department's"));
            }
            Auth::Device => {
                op = op
                    .security(SecurityRequirement::new("device_token", Vec::<String>::new()))
                    .response("401", ResponseBuilder::new().description("no valid device token"));
            }
        }
        match items.iter_mut().find(|(p, _)| p == path) {
            Some((_, item)) => item.merge_operations(PathItem::new(method.clone(), op)),
            None => items.push((path, PathItem::new(method.clone(), op))),
        }
    }
    for (path, item) in items {
        paths = paths.path(path, item);
    }
    let bearer = || SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer));
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("Shimin reference national backend")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some("Request and response bodies are the types of shimin_wire::backend.")),
        )
        .paths(paths)
        .components(Some(
            ComponentsBuilder::new()
                .security_scheme("staff_token", bearer())
                .security_scheme("device_token", bearer())
                .build(),
        ))
        .build()
}

/// The handler.
pub async fn serve() -> Json<OpenApi> {
    Json(document())
}
