//! `GET /openapi.json`: an OpenAPI 3.1 description of the routes, built with utoipa. Every error
//! answer is an `ErrorResponse` whose `error` is one of the codes of
//! `shimin_wire::error::ErrorCode`, listed in the schema.

use axum::Json;
use shimin_wire::error::ErrorCode;
use utoipa::openapi::path::{HttpMethod, OperationBuilder, PathItem};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{
    ComponentsBuilder, ContentBuilder, InfoBuilder, OpenApi, OpenApiBuilder, PathsBuilder, Ref, Response,
    ResponseBuilder,
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
        "Whether the server and its database answer (HealthResponse)",
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
        "IssueCertificateRequest -> CertificateView; own department's types only; an Idempotency-Key header \
         makes a retry answer the first certificate",
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
        "/v1/staff/issuer-keys/{key_id}/compromise",
        Auth::Staff,
        "KeyCompromiseRequest -> KeyCompromiseResponse; the trust-list administrator only (403 forbidden \
         for a department's issuer or reviewer): the key is retired, its department gets a new one, and \
         the next trust list marks it compromised so verifiers distrust it outright; 404 not_found for \
         an unknown key, 409 conflict when marked already, 400 for a time in the future",
        "200",
    ),
    (
        HttpMethod::Post,
        "/v1/devices",
        Auth::Public,
        "RegisterDeviceRequest (one-time enrolment code) -> RegisterDeviceResponse; 401 \
         bad_enrolment_code, 409 device_already_registered; rate limited",
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
    (
        HttpMethod::Get,
        "/v1/services",
        Auth::Public,
        "?q=&limit=&offset=&lang=zh-Hans|zh-Hant|en&department=&theme=&object=person|legal&online=true|false -> \
         ServiceListResponse (shimin_wire::catalogue), best first; without q the whole catalogue, paged; q over 100 \
         characters, an unknown parameter, facet value or lang is 400; weak ETag (the catalogue version), \
         If-None-Match gives 304; Cache-Control: public, max-age=60; gzip on Accept-Encoding; rate limited per source",
        "200",
    ),
    (
        HttpMethod::Get,
        "/v1/services/{code}",
        Auth::Public,
        "A service's whole guide, ServiceDocument (shimin_wire::catalogue); a malformed code is 400, an unknown one \
         404; weak ETag (the service's version), 304; gzip",
        "200",
    ),
    (
        HttpMethod::Get,
        "/v1/catalogue/changes",
        Auth::Public,
        "?since=VERSION&limit=N -> CatalogueChangesResponse (shimin_wire::catalogue): since=0 a snapshot with reset, \
         else the changes after since, oldest first, paged (more: ask again with since=to); since newer than the \
         head is 400; weak ETag (the head), 304; gzip; docs/formats/catalogue.md",
        "200",
    ),
    (
        HttpMethod::Get,
        "/v1/calendar/due",
        Auth::Public,
        "?from=YYYY-MM-DD&working_days=N (0..=1000) -> DueResponse (shimin_wire::calendar): the N-th working day \
         after from under the State Council's holiday notices, make-up working days included; a malformed, \
         missing, repeated or unknown parameter, or a day in a year no notice is loaded for, is 400 naming the \
         parameter; Cache-Control: public, max-age=3600; rate limited per source; docs/formats/calendar.md",
        "200",
    ),
    (
        HttpMethod::Get,
        "/v1/calendar/days",
        Auth::Public,
        "?from=YYYY-MM-DD&to=YYYY-MM-DD (at most 366 days) -> CalendarDaysResponse (shimin_wire::calendar): each \
         day working or not, workday/weekend/holiday/makeup, with the holiday's names; 400 as for /v1/calendar/due",
        "200",
    ),
    (
        HttpMethod::Get,
        "/v1/desk/applications/{id}",
        Auth::Staff,
        "One application (id: 32 lower-case hex digits) for staff of its organ or of a branch's department -> \
         TimelineView (shimin_wire::workflow); another department's staff get 404 not_found, as for no application",
        "200",
    ),
    (
        HttpMethod::Post,
        "/v1/desk/applications/{id}/actions",
        Auth::Staff,
        "DeskActionRequest (shimin_wire::workflow: accept, request_correction, not_accept, approve, refuse, \
         forward, stop_clock, restart_clock, with the version seen) -> TimelineView after it; an acceptance draws \
         the case number; 409 conflict \"already done\" when the version moved (nothing changed), 422 \
         unprocessable when the workflow refuses, 404 not_found for another department",
        "200",
    ),
    (
        HttpMethod::Post,
        "/v1/sync/applications",
        Auth::Device,
        "SubmissionRequest (shimin_wire::application) -> SubmissionReceipt: core's automatic pre-review against \
         the service's current guide and the backend's own trust and status lists; not passed: 200 with the \
         findings and nothing stored; passed: stored with its uploads and the citizen's notice in one transaction \
         (pre-review due in 5 working days). The same id and body again -> the same receipt; another body or \
         citizen -> 409 conflict; a body that is not JSON or not a submission -> 400",
        "200",
    ),
    (
        HttpMethod::Get,
        "/v1/sync/applications",
        Auth::Device,
        "?offset=N&limit=N (1..=100, default 20) -> ApplicationListResponse (shimin_wire::application): the \
         citizen's own applications, newest first; next_offset while more follow",
        "200",
    ),
    (
        HttpMethod::Put,
        "/v1/sync/applications/{id}/uploads/{sha256}",
        Auth::Device,
        "An upload's bytes before the submission naming it; Content-Type image/jpeg, image/png or \
         application/pdf and the bytes agreeing (core's sniffing; else 415 or 422), SHA-256 of the body = the \
         path's (else 400), at most 10 MiB (413) and 30 MiB per application (413); held for 7 days; the same \
         bytes again -> 200 again; an id of another citizen's application -> 409",
        "200",
    ),
    (
        HttpMethod::Post,
        "/v1/sync/applications/{id}/correction",
        Auth::Device,
        "The resubmission after 补正: SubmissionRequest with the same application_id -> SubmissionReceipt; \
         pre-reviewed again, back to pre-review; a retry -> the same receipt; another body -> 409; an application \
         not waiting for a correction -> 409; another citizen's -> 404",
        "200",
    ),
    (
        HttpMethod::Get,
        "/v1/sync/applications/{id}",
        Auth::Device,
        "One of the signed-in citizen's applications -> TimelineView (shimin_wire::workflow); another \
         citizen's is 404 not_found",
        "200",
    ),
    (
        HttpMethod::Post,
        "/v1/sync/applications/{id}/rating",
        Auth::Device,
        "RatingRequest (shimin_wire::application) -> RatingView, once per decided application of the citizen; a \
         差评 opens the department's rectification; 409 conflict \"already rated\" or \"the application is not \
         decided yet\", 422 unprocessable for a tag or text refused, 404 not_found for another's",
        "201",
    ),
    (
        HttpMethod::Get,
        "/v1/sync/applications/{id}/rating",
        Auth::Device,
        "The citizen's RatingView with its rectification; 404 before the rating",
        "200",
    ),
    (
        HttpMethod::Post,
        "/v1/sync/applications/{id}/rectification/rating",
        Auth::Device,
        "RectificationRatingRequest -> RectificationView, once, after the department's report; 409 otherwise",
        "200",
    ),
    (
        HttpMethod::Get,
        "/v1/sync/applications/{id}/result",
        Auth::Device,
        "The signed result document of the citizen's decided application whose result is not a certificate -> \
         ResultDocumentView (shimin_wire::application: title, text, the SMR1: code binding the text); 404 \
         not_found for another's or none",
        "200",
    ),
    (
        HttpMethod::Get,
        "/v1/sync/library",
        Auth::Device,
        "The citizen's 材料库: LibraryItemView list (shimin_wire::application)",
        "200",
    ),
    (
        HttpMethod::Get,
        "/v1/desk/rectifications",
        Auth::Staff,
        "The department's rectification tickets, oldest first -> RectificationRow list, late ones flagged",
        "200",
    ),
    (
        HttpMethod::Post,
        "/v1/desk/rectifications/{id}/call-back",
        Auth::Staff,
        "The department called the citizen back (id: the rated application's) -> RectificationView; once, 409 \
         after; 404 not_found for another department's",
        "200",
    ),
    (
        HttpMethod::Post,
        "/v1/desk/rectifications/{id}/report",
        Auth::Staff,
        "RectificationReportRequest -> RectificationView; after the call-back, once (409 otherwise); 422 for a \
         blank or long report",
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
        "LivenessEnrolmentRequest -> LivenessChallengeResponse (the check, its nonce, how many \
         actions and the time limit; never which actions: each is revealed when it is to be done); \
         422 no_registry_photo, one answer for an unknown number, no registry photo, or the number's \
         enrolment checks for the day used up; 429 too_many_requests after the address's (IPv4, IPv6 \
         /64) daily asks; rate limited",
        "201",
    ),
    (
        HttpMethod::Post,
        "/v1/enrolment/liveness/{id}/frames",
        Auth::Public,
        "A signed frame batch of a server-paced check (COSE_Sign1 by the new device key, \
         core::liveness::FrameBatch) -> LivenessPaceResponse (calibrating, the action to do now, or \
         passed with the device id); the only way to answer an enrolment check; 422 \
         liveness_failed, 409 already_answered or device_already_registered, 503 busy; rate limited",
        "200",
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
        "-> LivenessChallengeResponse to confirm the case (answered by streaming frames); 404 \
         not_found, 409 already_confirmed or already_declined, 410 request_expired (7 days after the \
         case was opened), 422 no_registry_photo, 429 attempts_exhausted",
        "201",
    ),
    (
        HttpMethod::Post,
        "/v1/sync/identity-requests/{id}/decline",
        Auth::Device,
        "DeclineRequest (reason refused or not_me) -> IdentityRequestView; the registrar's CaseView \
         shows the refusal and its reason; 404 not_found (not the citizen's case, or closed), 409 \
         already_confirmed or already_declined",
        "200",
    ),
    (
        HttpMethod::Post,
        "/v1/sync/liveness-checks/{id}/frames",
        Auth::Device,
        "A signed frame batch of a server-paced case check of this device -> LivenessPaceResponse; \
         a pass confirms the case; the only way to answer a case check; 422 liveness_failed, 409 \
         already_answered, 503 busy",
        "200",
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
            .response("400", error("bad input: bad_request, bad_json"))
            .response("429", error("rate limited: too_many_requests"));
        match auth {
            Auth::Public => {}
            Auth::Staff => {
                op = op
                    .security(SecurityRequirement::new("staff_token", Vec::<String>::new()))
                    .response("401", error("no valid staff token: unauthorized"))
                    .response("403", error("another department's: forbidden"));
            }
            Auth::Device => {
                op = op
                    .security(SecurityRequirement::new("device_token", Vec::<String>::new()))
                    .response("401", error("no valid device token: unauthorized"));
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
                .schema("ErrorResponse", error_schema())
                .security_scheme("staff_token", bearer())
                .security_scheme("device_token", bearer())
                .build(),
        ))
        .build()
}

/// An error answer: an `ErrorResponse` body, described by `what` (the codes it may carry).
fn error(what: &str) -> Response {
    ResponseBuilder::new()
        .description(what)
        .content(
            "application/json",
            ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorResponse"))).build(),
        )
        .build()
}

/// The body of every error answer, with every code the server sends.
fn error_schema() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .property(
            "error",
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(ErrorCode::ALL.iter().map(|c| c.as_str())))
                .description(Some(
                    "A stable machine-readable code (shimin_wire::error::ErrorCode); a client reads a code \
                     it does not know as unknown",
                )),
        )
        .required("error")
        .property(
            "message",
            ObjectBuilder::new()
                .schema_type(Type::String)
                .description(Some("A short English explanation for developers; never personal data")),
        )
        .required("message")
}

/// The handler.
pub async fn serve() -> Json<OpenApi> {
    Json(document())
}
