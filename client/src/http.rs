//! The backend's HTTP API as typed calls (reqwest). Bodies are the `shimin_wire::backend` types;
//! every failure is a [`ClientError`] that says whether trying again may help.

use shimin_wire::application::{SubmissionReceipt, SubmissionRequest, UploadTypeDto};
use shimin_wire::workflow::TimelineView;
use std::time::Duration;

use base64::Engine;
use reqwest::StatusCode;
use reqwest::header::{ETAG, IF_NONE_MATCH};
use shimin_core::cose;
use shimin_core::crypto::{SigningKey, SigningPurpose, VerifyingKey};
use shimin_core::wallet::LivenessChallenge;
use shimin_wire::backend::{
    ChallengeResponse, DeclineReasonView, DeclineRequest, DeviceListResponse, DeviceTokenRequest,
    DeviceTokenResponse, ErrorResponse, IdentityRequestView, LivenessChallengeResponse,
    LivenessEnrolmentRequest, LivenessPaceResponse, OutboxItem, RegisterDeviceRequest,
    RegisterDeviceResponse, RemoveDeviceRequest, SyncPullResponse, SyncPushRequest, SyncPushResponse,
};
use shimin_wire::catalogue::CatalogueChangesResponse;
use shimin_wire::error::ErrorCode;

/// The longest signed document (trust or status list) accepted, in bytes.
pub const MAX_DOCUMENT_BYTES: usize = 4 * 1024 * 1024;
/// The longest JSON answer accepted, in bytes: a sync page of certificates with their photo
/// thumbnails is far smaller.
pub const MAX_JSON_BYTES: usize = 8 * 1024 * 1024;
/// The longest error body read, in bytes: it carries one error code.
pub const MAX_ERROR_BYTES: usize = 16 * 1024;
/// The most bytes of one page of catalogue changes (after decompression).
pub const MAX_CATALOGUE_BYTES: usize = 32 * 1024 * 1024;

/// Why a call failed: the core's [`shimin_core::wallet::BackendError`], the error every
/// [`shimin_core::wallet::Backend`] call answers with.
pub type ClientError = shimin_core::wallet::BackendError;

/// Whether the backend may be reached at `base_url`: `https://` with a host, or, when
/// `development` allows it, `http://` to a loopback host. Userinfo (`user:pass@`) is refused
/// outright: it has no place in a backend address.
///
/// # Errors
/// [`ClientError::InsecureUrl`].
pub fn check_url(base_url: &str, development: bool) -> Result<(), ClientError> {
    let url = reqwest::Url::parse(base_url).map_err(|_| ClientError::InsecureUrl)?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(ClientError::InsecureUrl);
    }
    let host = url.host_str().ok_or(ClientError::InsecureUrl)?;
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    match url.scheme() {
        "https" => Ok(()),
        "http" if development && loopback => Ok(()),
        _ => Err(ClientError::InsecureUrl),
    }
}

/// The body of `response`, refused as soon as it is known to pass `limit` bytes: by its declared
/// length before reading anything, else chunk by chunk as it arrives. A hostile or broken server
/// cannot make the app buffer more than `limit` (plus one chunk).
///
/// # Errors
/// [`ClientError::Malformed`] for a body too large, [`ClientError::Network`] when reading fails.
async fn read_capped(mut response: reqwest::Response, limit: usize) -> Result<Vec<u8>, ClientError> {
    const TOO_LARGE: ClientError = ClientError::Malformed("answer too large");
    if response.content_length().is_some_and(|len| len > limit as u64) {
        return Err(TOO_LARGE);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(network)? {
        if body.len() + chunk.len() > limit {
            return Err(TOO_LARGE);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

pub(crate) fn network(e: reqwest::Error) -> ClientError {
    // reqwest's message names the URL, never a body.
    ClientError::Network(e.without_url().to_string())
}

/// A signed document and its strong ETag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedDocument {
    /// The COSE_Sign1 bytes.
    pub bytes: Vec<u8>,
    /// The ETag the server sent, if any.
    pub etag: Option<String>,
}

/// The backend at one base URL.
#[derive(Debug, Clone)]
pub struct BackendClient {
    pub(crate) http: reqwest::Client,
    base: String,
}

impl BackendClient {
    /// A client for the backend at `base_url` (e.g. `https://shimin.example.cn`), with a connect
    /// timeout of 5 s and a request timeout of 20 s. The address must be `https://`; plain
    /// `http://` is accepted only to a loopback address (`127.0.0.0/8`, `[::1]`, `localhost`) and
    /// only in a development build (`debug_assertions`): anything else would hand enrolment
    /// codes, device tokens and lists to whoever is on the network path.
    ///
    /// # Errors
    /// [`ClientError::InsecureUrl`] for a refused address, [`ClientError::Network`] when the HTTP
    /// client cannot be built.
    pub fn new(base_url: &str) -> Result<Self, ClientError> {
        check_url(base_url, cfg!(debug_assertions))?;
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(20))
            .https_only(!cfg!(debug_assertions))
            // The backend never redirects; following one could leave the checked address.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(network)?;
        Ok(Self { http, base: base_url.trim_end_matches('/').to_owned() })
    }

    /// The base URL.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn check(response: reqwest::Response) -> Result<reqwest::Response, ClientError> {
        let status = response.status();
        if status.is_success() || status == StatusCode::NOT_MODIFIED {
            return Ok(response);
        }
        if status == StatusCode::UNAUTHORIZED {
            return Err(ClientError::Unauthorized);
        }
        let code = read_capped(response, MAX_ERROR_BYTES)
            .await
            .ok()
            .and_then(|body| serde_json::from_slice::<ErrorResponse>(&body).ok())
            .map_or(ErrorCode::Unknown, |e| e.error);
        if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
            return Err(ClientError::Unavailable { status: status.as_u16(), code });
        }
        Err(ClientError::Refused { status: status.as_u16(), code })
    }

    pub(crate) async fn json<T: serde::de::DeserializeOwned>(
        response: reqwest::Response,
    ) -> Result<T, ClientError> {
        let body = read_capped(Self::check(response).await?, MAX_JSON_BYTES).await?;
        serde_json::from_slice(&body).map_err(|_| ClientError::Malformed("JSON body"))
    }

    async fn bytes(response: reqwest::Response) -> Result<Vec<u8>, ClientError> {
        read_capped(Self::check(response).await?, MAX_DOCUMENT_BYTES).await
    }

    /// `GET /v1/root-key`: the national root key (pinned by the app at enrolment).
    ///
    /// # Errors
    /// [`ClientError`]; [`ClientError::Malformed`] for bytes that are not a P-256 key.
    pub async fn root_key(&self) -> Result<VerifyingKey, ClientError> {
        let response = self.http.get(self.url("/v1/root-key")).send().await.map_err(network)?;
        let bytes = Self::bytes(response).await?;
        VerifyingKey::p256_from_sec1(&bytes).map_err(|_| ClientError::Malformed("root key"))
    }

    /// `GET /v1/trust-list`, conditional on `etag`: `None` when it has not changed (304).
    ///
    /// # Errors
    /// [`ClientError`].
    pub async fn trust_list(&self, etag: Option<&str>) -> Result<Option<SignedDocument>, ClientError> {
        self.document(&self.url("/v1/trust-list"), etag).await
    }

    /// A status list at `uri`, which must be on this backend.
    ///
    /// # Errors
    /// [`ClientError::ForeignUrl`] for a URI elsewhere, and [`ClientError`].
    pub async fn status_list(&self, uri: &str) -> Result<SignedDocument, ClientError> {
        if !uri.starts_with(&format!("{}/", self.base)) {
            return Err(ClientError::ForeignUrl);
        }
        self.document(uri, None).await?.ok_or(ClientError::Malformed("304 without If-None-Match"))
    }

    async fn document(&self, url: &str, etag: Option<&str>) -> Result<Option<SignedDocument>, ClientError> {
        let mut request = self.http.get(url);
        if let Some(etag) = etag {
            request = request.header(IF_NONE_MATCH, etag);
        }
        let response = request.send().await.map_err(network)?;
        if response.status() == StatusCode::NOT_MODIFIED {
            return Ok(None);
        }
        let etag = response.headers().get(ETAG).and_then(|v| v.to_str().ok()).map(str::to_owned);
        Ok(Some(SignedDocument { bytes: Self::bytes(response).await?, etag }))
    }

    /// `POST /v1/devices`: registers `device_key` for the citizen with a one-time enrolment code.
    ///
    /// # Errors
    /// [`ClientError::Unauthorized`] for a wrong, spent or expired code (`bad_enrolment_code`),
    /// [`ClientError::Refused`] with `device_already_registered`, and [`ClientError`].
    pub async fn register_device(
        &self,
        id_number: &str,
        enrolment_code: &str,
        device_key: &VerifyingKey,
        label: &str,
    ) -> Result<i64, ClientError> {
        let body = RegisterDeviceRequest {
            id_number: id_number.to_owned(),
            enrolment_code: enrolment_code.to_owned(),
            public_key_b64: b64(device_key.as_bytes()),
            label: label.to_owned(),
        };
        let response = self.http.post(self.url("/v1/devices")).json(&body).send().await.map_err(network)?;
        Ok(Self::json::<RegisterDeviceResponse>(response).await?.device_id)
    }

    /// A device token: asks for a challenge, signs it with `device_key`, trades it for a token.
    ///
    /// # Errors
    /// [`ClientError`].
    pub async fn device_token(&self, device_id: i64, device_key: &SigningKey) -> Result<String, ClientError> {
        let nonce = self.device_challenge(device_id).await?;
        let signature = cose::sign(SigningPurpose::DeviceBinding, &nonce, b"device", device_key)
            .map_err(|e| ClientError::Sign(e.to_string()))?;
        let body = DeviceTokenRequest { challenge_b64: b64(&nonce), signature_b64: b64(&signature) };
        let path = format!("/v1/devices/{device_id}/token");
        let response = self.http.post(self.url(&path)).json(&body).send().await.map_err(network)?;
        Ok(Self::json::<DeviceTokenResponse>(response).await?.token)
    }

    /// `GET /v1/sync/pull` from `cursor`.
    ///
    /// # Errors
    /// [`ClientError`].
    pub async fn pull(&self, token: &str, cursor: Option<&str>) -> Result<SyncPullResponse, ClientError> {
        let mut request = self.http.get(self.url("/v1/sync/pull")).bearer_auth(token);
        if let Some(cursor) = cursor {
            request = request.query(&[("cursor", cursor)]);
        }
        Self::json(request.send().await.map_err(network)?).await
    }

    /// `GET /v1/catalogue/changes?since=…`: the service catalogue's changes after `since`
    /// (public: no token). The body may come gzip-compressed.
    ///
    /// # Errors
    /// [`ClientError`].
    pub async fn catalogue_changes(&self, since: u64) -> Result<CatalogueChangesResponse, ClientError> {
        let request = self.http.get(self.url("/v1/catalogue/changes")).query(&[("since", since)]);
        let body =
            read_capped(Self::check(request.send().await.map_err(network)?).await?, MAX_CATALOGUE_BYTES)
                .await?;
        serde_json::from_slice(&body).map_err(|_| ClientError::Malformed("catalogue page"))
    }

    /// `POST /v1/sync/push`.
    ///
    /// # Errors
    /// [`ClientError`].
    pub async fn push(&self, token: &str, items: Vec<OutboxItem>) -> Result<SyncPushResponse, ClientError> {
        let request =
            self.http.post(self.url("/v1/sync/push")).bearer_auth(token).json(&SyncPushRequest { items });
        Self::json(request.send().await.map_err(network)?).await
    }
}

impl BackendClient {
    /// `POST /v1/devices/{id}/challenge`: a fresh challenge for device `device_id`, decoded.
    ///
    /// # Errors
    /// [`ClientError`].
    pub async fn device_challenge(&self, device_id: i64) -> Result<Vec<u8>, ClientError> {
        let path = format!("/v1/devices/{device_id}/challenge");
        let response = self.http.post(self.url(&path)).send().await.map_err(network)?;
        let challenge: ChallengeResponse = Self::json(response).await?;
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(challenge.challenge_b64.trim_end_matches('=').as_bytes())
            .map_err(|_| ClientError::Malformed("challenge"))
    }

    /// `GET /v1/sync/devices`: the signed-in citizen's devices, the calling one marked.
    ///
    /// # Errors
    /// [`ClientError`].
    pub async fn my_devices(&self, token: &str) -> Result<DeviceListResponse, ClientError> {
        let request = self.http.get(self.url("/v1/sync/devices")).bearer_auth(token);
        Self::json(request.send().await.map_err(network)?).await
    }

    /// `DELETE /v1/sync/devices/{id}` of another device of the signed-in citizen, with the
    /// step-up: `challenge` (from [`Self::device_challenge`]) and the calling device's
    /// `signature` over `shimin_core::wallet::devices::remove_device_payload`.
    ///
    /// # Errors
    /// [`ClientError`]; [`ClientError::Unauthorized`] for a spent challenge or a bad signature.
    pub async fn remove_other_device(
        &self,
        token: &str,
        device_id: i64,
        challenge: &[u8],
        signature: &[u8],
    ) -> Result<(), ClientError> {
        let body = RemoveDeviceRequest { challenge_b64: b64(challenge), signature_b64: b64(signature) };
        let request = self
            .http
            .delete(self.url(&format!("/v1/sync/devices/{device_id}")))
            .bearer_auth(token)
            .json(&body);
        Self::check(request.send().await.map_err(network)?).await.map(drop)
    }

    /// `DELETE /v1/sync/devices/{id}`: unregisters a device of the signed-in citizen (this one,
    /// or a lost one) and revokes its tokens.
    ///
    /// # Errors
    /// [`ClientError`]; [`ClientError::Refused`] with `not_found` for a device that is not the
    /// citizen's.
    pub async fn remove_device(&self, token: &str, device_id: i64) -> Result<(), ClientError> {
        let request = self.http.delete(self.url(&format!("/v1/sync/devices/{device_id}"))).bearer_auth(token);
        Self::check(request.send().await.map_err(network)?).await.map(drop)
    }
}

/// The server's challenge, parsed by the core.
fn challenge(response: LivenessChallengeResponse) -> Result<LivenessChallenge, ClientError> {
    LivenessChallenge::parse(response)
}

/// Whether a refusal says the liveness check did not pass (`liveness_failed`, rather than, say,
/// `already_answered`).
pub fn is_liveness_failure(error: &ClientError) -> bool {
    error.code() == Some(ErrorCode::LivenessFailed)
}

impl BackendClient {
    /// `POST /v1/enrolment/liveness`: a liveness challenge for enrolling `device_key` as a
    /// device of the citizen.
    ///
    /// # Errors
    /// [`ClientError::Refused`] with `no_registry_photo`, the one answer for a number that
    /// cannot enrol by the face now (unknown, no registry photo, or its enrolment checks for
    /// today used up); [`ClientError::Unavailable`] with `too_many_requests` (this address's
    /// asks used up, or rate limited).
    pub async fn liveness_enrolment_challenge(
        &self,
        id_number: &str,
        device_key: &VerifyingKey,
        label: &str,
    ) -> Result<LivenessChallenge, ClientError> {
        let body = LivenessEnrolmentRequest {
            id_number: id_number.to_owned(),
            public_key_b64: b64(device_key.as_bytes()),
            label: label.to_owned(),
        };
        let response =
            self.http.post(self.url("/v1/enrolment/liveness")).json(&body).send().await.map_err(network)?;
        challenge(Self::json(response).await?)
    }

    /// `POST /v1/enrolment/liveness/{check}/frames`: streams one signed frame batch
    /// (`shimin_core::liveness::FrameBatch`) of a server-paced enrolment check; what to do now,
    /// or the new device's id once it passed.
    ///
    /// # Errors
    /// [`ClientError::Refused`] with code `liveness_failed` ([`is_liveness_failure`]) when the
    /// check failed, `already_answered`, `device_already_registered`, or `not_found` for a check
    /// that is not an open enrolment check; [`ClientError::Unavailable`] when it is busy (the
    /// same batch may be sent again).
    pub async fn stream_enrolment_frames(
        &self,
        check_id: i64,
        signed_batch: Vec<u8>,
    ) -> Result<LivenessPaceResponse, ClientError> {
        let request = self
            .http
            .post(self.url(&format!("/v1/enrolment/liveness/{check_id}/frames")))
            .header(reqwest::header::CONTENT_TYPE, "application/cose")
            .timeout(FRAMES_TIMEOUT)
            .body(signed_batch);
        Self::json(request.send().await.map_err(network)?).await
    }

    /// `POST /v1/sync/liveness-checks/{check}/frames`: streams one signed frame batch of a
    /// server-paced case check of this device.
    ///
    /// # Errors
    /// As [`BackendClient::stream_enrolment_frames`].
    pub async fn stream_case_frames(
        &self,
        token: &str,
        check_id: i64,
        signed_batch: Vec<u8>,
    ) -> Result<LivenessPaceResponse, ClientError> {
        let request = self
            .http
            .post(self.url(&format!("/v1/sync/liveness-checks/{check_id}/frames")))
            .bearer_auth(token)
            .header(reqwest::header::CONTENT_TYPE, "application/cose")
            .timeout(FRAMES_TIMEOUT)
            .body(signed_batch);
        Self::json(request.send().await.map_err(network)?).await
    }

    /// `GET /v1/sync/identity-requests`: the open registration cases naming the citizen.
    ///
    /// # Errors
    /// [`ClientError`].
    pub async fn identity_requests(&self, token: &str) -> Result<Vec<IdentityRequestView>, ClientError> {
        let request = self.http.get(self.url("/v1/sync/identity-requests")).bearer_auth(token);
        Self::json(request.send().await.map_err(network)?).await
    }

    /// `POST /v1/sync/identity-requests/{case}/decline`: the citizen declines to confirm a case,
    /// for `reason`; the request as it now stands.
    ///
    /// # Errors
    /// [`ClientError::Refused`] with `not_found` (not the citizen's case, or closed),
    /// `already_confirmed` or `already_declined`.
    pub async fn decline_case(
        &self,
        token: &str,
        case_id: i64,
        reason: DeclineReasonView,
    ) -> Result<IdentityRequestView, ClientError> {
        let request = self
            .http
            .post(self.url(&format!("/v1/sync/identity-requests/{case_id}/decline")))
            .bearer_auth(token)
            .json(&DeclineRequest { reason });
        Self::json(request.send().await.map_err(network)?).await
    }

    /// `POST /v1/sync/identity-requests/{case}/liveness`: a liveness challenge to confirm a case.
    ///
    /// # Errors
    /// [`ClientError::Refused`] with `not_found` (not the citizen's case, or closed),
    /// `already_confirmed`, `already_declined`, `request_expired` or `no_registry_photo`;
    /// [`ClientError::Unavailable`] with
    /// `attempts_exhausted`.
    pub async fn case_challenge(&self, token: &str, case_id: i64) -> Result<LivenessChallenge, ClientError> {
        let request = self
            .http
            .post(self.url(&format!("/v1/sync/identity-requests/{case_id}/liveness")))
            .bearer_auth(token);
        challenge(Self::json(request.send().await.map_err(network)?).await?)
    }
}

impl BackendClient {
    /// `PUT /v1/sync/applications/{id}/uploads/{sha256}`: one file of an application, before
    /// the submission naming it.
    ///
    /// # Errors
    /// [`ClientError`].
    pub async fn upload_application_file(
        &self,
        token: &str,
        application_id: &str,
        sha256: &str,
        media_type: UploadTypeDto,
        bytes: Vec<u8>,
    ) -> Result<(), ClientError> {
        let content_type = match media_type {
            UploadTypeDto::Jpeg => "image/jpeg",
            UploadTypeDto::Png => "image/png",
            UploadTypeDto::Pdf => "application/pdf",
        };
        let request = self
            .http
            .put(self.url(&format!("/v1/sync/applications/{application_id}/uploads/{sha256}")))
            .bearer_auth(token)
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .timeout(UPLOAD_TIMEOUT)
            .body(bytes);
        Self::check(request.send().await.map_err(network)?).await?;
        Ok(())
    }

    /// `POST /v1/sync/applications`: the submission; the same id again gets the same receipt.
    ///
    /// # Errors
    /// [`ClientError`].
    pub async fn submit_application(
        &self,
        token: &str,
        submission: &SubmissionRequest,
    ) -> Result<SubmissionReceipt, ClientError> {
        let request = self.http.post(self.url("/v1/sync/applications")).bearer_auth(token).json(submission);
        Self::json(request.send().await.map_err(network)?).await
    }

    /// `POST /v1/sync/applications/{id}/correction`: the resubmission after 补正.
    ///
    /// # Errors
    /// [`ClientError`].
    pub async fn resubmit_application(
        &self,
        token: &str,
        submission: &SubmissionRequest,
    ) -> Result<SubmissionReceipt, ClientError> {
        let path = format!("/v1/sync/applications/{}/correction", submission.application_id);
        let request = self.http.post(self.url(&path)).bearer_auth(token).json(submission);
        Self::json(request.send().await.map_err(network)?).await
    }

    /// `GET /v1/sync/applications/{id}`: the application's timeline.
    ///
    /// # Errors
    /// [`ClientError`].
    pub async fn application_timeline(
        &self,
        token: &str,
        application_id: &str,
    ) -> Result<TimelineView, ClientError> {
        let request =
            self.http.get(self.url(&format!("/v1/sync/applications/{application_id}"))).bearer_auth(token);
        Self::json(request.send().await.map_err(network)?).await
    }
}

/// How long one upload may take: a file is at most 10 MiB.
const UPLOAD_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(120);

/// How long one frame batch and its measuring may take: a batch is at most a megabyte, and the
/// server loads its face models on first use (seconds).
const FRAMES_TIMEOUT: Duration = Duration::from_secs(30);

/// Base64url without padding, as the API writes bytes.
pub(crate) fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}
