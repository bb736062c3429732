//! The staff side of the backend: signing in, issuing a certificate, and (for the trust-list
//! administrator) marking an issuer key compromised, for a staff console or command line (the
//! app never calls these).
//!
//! An issuance is one logical operation however many requests it takes.
//! [`BackendClient::issue_certificate`] draws one idempotency key for it and sends that key with
//! every attempt (`shimin_wire::backend::IDEMPOTENCY_KEY_HEADER`): when an answer is lost — the
//! connection broke after the server committed, a timeout, a 503 — the request sent again finds
//! the certificate the first attempt issued and answers it, instead of issuing a second one.

use shimin_core::crypto::random_bytes;
use shimin_wire::backend::{
    CertificateView, IDEMPOTENCY_KEY_HEADER, IssueCertificateRequest, KeyCompromiseRequest,
    KeyCompromiseResponse, StaffLoginRequest, StaffLoginResponse,
};

use crate::http::{BackendClient, ClientError, b64, network};

/// How many times one issuance is sent before its failure is reported: a lost answer is
/// retried, a refusal never.
pub const ISSUE_ATTEMPTS: u32 = 3;

/// A fresh idempotency key for one logical operation: 128 random bits, base64url without padding
/// (22 visible ASCII characters, within the backend's 1 to 128).
///
/// # Errors
/// [`ClientError::Sign`] when the system has no randomness.
pub fn new_idempotency_key() -> Result<String, ClientError> {
    let bytes = random_bytes::<16>().map_err(|_| ClientError::Sign("no randomness".into()))?;
    Ok(b64(&bytes))
}

impl BackendClient {
    /// `POST /v1/staff/login`.
    ///
    /// # Errors
    /// [`ClientError`]; [`ClientError::Unauthorized`] for a wrong login or password, or a
    /// locked account.
    pub async fn staff_login(&self, login: &str, password: &str) -> Result<StaffLoginResponse, ClientError> {
        let body = StaffLoginRequest { login: login.to_owned(), password: password.to_owned() };
        let request = self.http.post(self.url("/v1/staff/login")).json(&body);
        Self::json(request.send().await.map_err(network)?).await
    }

    /// `POST /v1/staff/certificates` as one logical operation: under a fresh idempotency key,
    /// sent again (up to [`ISSUE_ATTEMPTS`] in all) while the failure is one a retry may help
    /// ([`ClientError::Network`], [`ClientError::Unavailable`]). However many attempts reach
    /// the server, it issues at most one certificate.
    ///
    /// # Errors
    /// The last attempt's [`ClientError`]; a refusal (4xx) at once.
    pub async fn issue_certificate(
        &self,
        token: &str,
        request: &IssueCertificateRequest,
    ) -> Result<CertificateView, ClientError> {
        let key = new_idempotency_key()?;
        self.issue_certificate_with_key(token, request, &key).await
    }

    /// As [`Self::issue_certificate`], under `key`: for a console that keeps the key of an
    /// operation across its own restarts (the same key and request answer the same certificate;
    /// the same key with another request is `409 conflict`).
    ///
    /// # Errors
    /// As [`Self::issue_certificate`].
    pub async fn issue_certificate_with_key(
        &self,
        token: &str,
        request: &IssueCertificateRequest,
        key: &str,
    ) -> Result<CertificateView, ClientError> {
        let mut attempt = 1;
        loop {
            let sent = self
                .http
                .post(self.url("/v1/staff/certificates"))
                .bearer_auth(token)
                .header(IDEMPOTENCY_KEY_HEADER, key)
                .json(request)
                .send()
                .await;
            let answer = match sent {
                Ok(response) => Self::json(response).await,
                Err(e) => Err(network(e)),
            };
            match answer {
                Err(ClientError::Network(_) | ClientError::Unavailable { .. })
                    if attempt < ISSUE_ATTEMPTS =>
                {
                    attempt += 1;
                }
                answer => return answer,
            }
        }
    }

    /// `POST /v1/staff/issuer-keys/{key_id}/compromise`: marks issuer key `key_id` compromised,
    /// found at `compromised_at` (Unix seconds; now if `None`). Not retried: a second mark of
    /// the same key is refused (`409 conflict`), so a lost answer is read back from the trust
    /// list instead.
    ///
    /// # Errors
    /// [`ClientError`]; [`ClientError::Refused`] with `forbidden` for anyone but the trust-list
    /// administrator, `not_found` for an unknown key, `conflict` for a key marked already.
    pub async fn compromise_key(
        &self,
        token: &str,
        key_id: &str,
        compromised_at: Option<i64>,
    ) -> Result<KeyCompromiseResponse, ClientError> {
        let mut url =
            reqwest::Url::parse(&self.url("/v1/staff/issuer-keys")).map_err(|_| ClientError::InsecureUrl)?;
        url.path_segments_mut().map_err(|()| ClientError::InsecureUrl)?.push(key_id).push("compromise");
        let request = self.http.post(url).bearer_auth(token).json(&KeyCompromiseRequest { compromised_at });
        Self::json(request.send().await.map_err(network)?).await
    }
}
