//! The backend's HTTP API as typed calls (reqwest). Bodies are the `shimin_wire::backend` types;
//! every failure is a [`ClientError`] that says whether trying again may help.

use std::time::Duration;

use base64::Engine;
use reqwest::StatusCode;
use reqwest::header::{ETAG, IF_NONE_MATCH};
use shimin_core::cose;
use shimin_core::crypto::{SigningKey, SigningPurpose, VerifyingKey};
use shimin_core::wallet::LivenessChallenge;
use shimin_wire::backend::{
    ChallengeResponse, DeviceListResponse, DeviceTokenRequest, DeviceTokenResponse, ErrorResponse,
    IdentityRequestView, LivenessChallengeResponse, LivenessEnrolmentRequest, LivenessEnrolmentResponse,
    OutboxItem, RegisterDeviceRequest, RegisterDeviceResponse, RemoveDeviceRequest, SyncPullResponse,
    SyncPushRequest, SyncPushResponse,
};
use shimin_wire::error::ErrorCode;

/// The longest signed document (trust or status list) accepted, in bytes.
pub const MAX_DOCUMENT_BYTES: usize = 4 * 1024 * 1024;

/// Why a call failed: the core's [`shimin_core::wallet::BackendError`], the error every
/// [`shimin_core::wallet::Backend`] call answers with.
pub type ClientError = shimin_core::wallet::BackendError;

fn network(e: reqwest::Error) -> ClientError {
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
    http: reqwest::Client,
    base: String,
}

impl BackendClient {
    /// A client for the backend at `base_url` (e.g. `http://127.0.0.1:8787`), with a connect
    /// timeout of 5 s and a request timeout of 20 s.
    ///
    /// # Errors
    /// [`ClientError::Network`] when the HTTP client cannot be built.
    pub fn new(base_url: &str) -> Result<Self, ClientError> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(20))
            .build()
            .map_err(network)?;
        Ok(Self { http, base: base_url.trim_end_matches('/').to_owned() })
    }

    /// The base URL.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    fn url(&self, path: &str) -> String {
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
        let code = response.json::<ErrorResponse>().await.map_or(ErrorCode::Unknown, |e| e.error);
        if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
            return Err(ClientError::Unavailable { status: status.as_u16(), code });
        }
        Err(ClientError::Refused { status: status.as_u16(), code })
    }

    async fn json<T: serde::de::DeserializeOwned>(response: reqwest::Response) -> Result<T, ClientError> {
        Self::check(response).await?.json::<T>().await.map_err(|_| ClientError::Malformed("JSON body"))
    }

    async fn bytes(response: reqwest::Response) -> Result<Vec<u8>, ClientError> {
        let bytes = Self::check(response).await?.bytes().await.map_err(network)?;
        if bytes.len() > MAX_DOCUMENT_BYTES {
            return Err(ClientError::Malformed("document too large"));
        }
        Ok(bytes.to_vec())
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
    /// [`ClientError::Refused`] with `unknown_citizen` or `no_registry_photo`;
    /// [`ClientError::Unavailable`] with `attempts_exhausted` (used up for today) or
    /// `too_many_requests` (rate limited).
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

    /// `POST /v1/enrolment/liveness/{check}`: answers an enrolment check with signed evidence;
    /// the new device's id when it passed.
    ///
    /// # Errors
    /// [`ClientError::Refused`] with code `liveness_failed` ([`is_liveness_failure`]) when it did
    /// not pass, `already_answered` when the check was answered already,
    /// `device_already_registered` when the key is.
    pub async fn answer_liveness_enrolment(
        &self,
        check_id: i64,
        signed_evidence: Vec<u8>,
    ) -> Result<i64, ClientError> {
        let request = self
            .http
            .post(self.url(&format!("/v1/enrolment/liveness/{check_id}")))
            .header(reqwest::header::CONTENT_TYPE, "application/cose")
            .timeout(EVIDENCE_TIMEOUT)
            .body(signed_evidence);
        Ok(Self::json::<LivenessEnrolmentResponse>(request.send().await.map_err(network)?).await?.device_id)
    }

    /// `GET /v1/sync/identity-requests`: the open registration cases naming the citizen.
    ///
    /// # Errors
    /// [`ClientError`].
    pub async fn identity_requests(&self, token: &str) -> Result<Vec<IdentityRequestView>, ClientError> {
        let request = self.http.get(self.url("/v1/sync/identity-requests")).bearer_auth(token);
        Self::json(request.send().await.map_err(network)?).await
    }

    /// `POST /v1/sync/identity-requests/{case}/liveness`: a liveness challenge to confirm a case.
    ///
    /// # Errors
    /// [`ClientError::Refused`] with `not_found` (not the citizen's case, or closed),
    /// `already_confirmed` or `no_registry_photo`; [`ClientError::Unavailable`] with
    /// `attempts_exhausted`.
    pub async fn case_challenge(&self, token: &str, case_id: i64) -> Result<LivenessChallenge, ClientError> {
        let request = self
            .http
            .post(self.url(&format!("/v1/sync/identity-requests/{case_id}/liveness")))
            .bearer_auth(token);
        challenge(Self::json(request.send().await.map_err(network)?).await?)
    }

    /// `POST /v1/sync/liveness-checks/{check}`: answers a case check with signed evidence.
    ///
    /// # Errors
    /// As [`BackendClient::answer_liveness_enrolment`].
    pub async fn answer_case(
        &self,
        token: &str,
        check_id: i64,
        signed_evidence: Vec<u8>,
    ) -> Result<(), ClientError> {
        let request = self
            .http
            .post(self.url(&format!("/v1/sync/liveness-checks/{check_id}")))
            .bearer_auth(token)
            .header(reqwest::header::CONTENT_TYPE, "application/cose")
            .timeout(EVIDENCE_TIMEOUT)
            .body(signed_evidence);
        Self::check(request.send().await.map_err(network)?).await.map(drop)
    }
}

/// How long an evidence upload and its judgement may take: megabytes over a mobile link, then
/// the server's face models (seconds on first use).
const EVIDENCE_TIMEOUT: Duration = Duration::from_secs(60);

/// Base64url without padding, as the API writes bytes.
pub(crate) fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}
