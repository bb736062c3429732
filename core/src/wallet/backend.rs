//! What the wallet's use cases need from the national backend: the [`Backend`] trait, one method
//! per API call, implemented over HTTP by `shimin-client` (and by a scripted double in core's
//! tests), and the [`BackendError`] every call answers with.
//!
//! The trait's futures are `Send`, so a use case can run on any task of a multi-threaded runtime
//! (the app's Tauri commands, the background sync loop).

use std::future::Future;

use base64::Engine as _;
use shimin_wire::application::{SubmissionReceipt, SubmissionRequest, UploadTypeDto};
use shimin_wire::backend::{
    DeclineReasonView, DeviceListResponse, IdentityRequestView, LivenessChallengeResponse,
    LivenessPaceResponse, OutboxItem, SyncPullResponse, SyncPushResponse,
};
use shimin_wire::workflow::TimelineView;

use crate::crypto::{SigningKey, VerifyingKey};
use crate::liveness::{
    Action, MAX_ACTIONS, MAX_NONCE_LEN, MAX_TIME_LIMIT_MS, MIN_ACTIONS, MIN_NONCE_LEN, MIN_TIME_LIMIT_MS,
};

pub use crate::sync::BackendError;

/// A server-paced liveness check the server opened, parsed: which check to stream frame batches
/// to, the nonce every batch carries, how many actions will be asked for and the time limit.
/// Which actions, and in which order, the device does not know: the server reveals each in its
/// answer to a batch ([`PaceAnswer::Act`]) only when it is to be done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LivenessChallenge {
    /// The check the frame batches answer.
    pub check_id: i64,
    /// The one-time nonce, [`MIN_NONCE_LEN`]`..=`[`MAX_NONCE_LEN`] bytes.
    pub nonce: Vec<u8>,
    /// How many actions the check will ask for, [`MIN_ACTIONS`]`..=`[`MAX_ACTIONS`].
    pub steps: u8,
    /// The time limit of the whole check, ms, [`MIN_TIME_LIMIT_MS`]`..=`[`MAX_TIME_LIMIT_MS`].
    pub time_limit_ms: u64,
}

impl LivenessChallenge {
    /// Parses the server's answer.
    ///
    /// # Errors
    /// [`BackendError::Malformed`] for a nonce, a number of steps or a time limit out of range.
    pub fn parse(response: LivenessChallengeResponse) -> Result<Self, BackendError> {
        let nonce = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(response.nonce_b64.trim_end_matches('=').as_bytes())
            .map_err(|_| BackendError::Malformed("liveness nonce"))?;
        if !(MIN_NONCE_LEN..=MAX_NONCE_LEN).contains(&nonce.len()) {
            return Err(BackendError::Malformed("liveness nonce"));
        }
        if !(MIN_ACTIONS..=MAX_ACTIONS).contains(&usize::from(response.steps)) {
            return Err(BackendError::Malformed("liveness steps"));
        }
        if !(MIN_TIME_LIMIT_MS..=MAX_TIME_LIMIT_MS).contains(&response.time_limit_ms) {
            return Err(BackendError::Malformed("liveness time limit"));
        }
        Ok(Self {
            check_id: response.check_id,
            nonce,
            steps: response.steps,
            time_limit_ms: response.time_limit_ms,
        })
    }
}

/// What the server said after a frame batch of a server-paced check
/// ([`shimin_wire::backend::LivenessPaceResponse`], parsed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaceAnswer {
    /// Keep looking straight at the camera: no neutral face yet.
    Calibrating,
    /// Perform this action now (the `step`-th, from 1).
    Act {
        /// The action revealed.
        action: Action,
        /// Its place in the challenge, from 1.
        step: u8,
    },
    /// The check passed; an enrolment check's device is registered under this id.
    Passed {
        /// The new device's id (enrolment checks only).
        device_id: Option<i64>,
    },
}

impl PaceAnswer {
    /// Parses the server's answer.
    ///
    /// # Errors
    /// [`BackendError::Malformed`] for an action this build does not know, or step 0.
    pub fn parse(response: LivenessPaceResponse) -> Result<Self, BackendError> {
        Ok(match response {
            LivenessPaceResponse::Calibrating => PaceAnswer::Calibrating,
            LivenessPaceResponse::Act { action, step } => {
                let action = Action::parse(&action).ok_or(BackendError::Malformed("liveness action"))?;
                if step == 0 {
                    return Err(BackendError::Malformed("liveness step"));
                }
                PaceAnswer::Act { action, step }
            }
            LivenessPaceResponse::Passed { device_id } => PaceAnswer::Passed { device_id },
        })
    }
}

/// The national backend's API as the wallet uses it.
pub trait Backend: Sync {
    /// The base URL, which an enrolment records.
    fn base_url(&self) -> &str;

    /// The national root key (pinned by the wallet at enrolment).
    fn root_key(&self) -> impl Future<Output = Result<VerifyingKey, BackendError>> + Send;

    /// The current signed trust list.
    fn trust_list(&self) -> impl Future<Output = Result<Vec<u8>, BackendError>> + Send;

    /// The signed status list published at `uri` ([`BackendError::ForeignUrl`] for one that is
    /// not on this backend).
    fn status_list(&self, uri: &str) -> impl Future<Output = Result<Vec<u8>, BackendError>> + Send;

    /// Registers `device_key` for the citizen `id_number` with a one-time enrolment code; the
    /// device's id.
    fn register_device(
        &self,
        id_number: &str,
        enrolment_code: &str,
        device_key: &VerifyingKey,
        label: &str,
    ) -> impl Future<Output = Result<i64, BackendError>> + Send;

    /// Signs in as device `device_id` with its key: a bearer token.
    fn sign_in(
        &self,
        device_id: i64,
        device_key: &SigningKey,
    ) -> impl Future<Output = Result<String, BackendError>> + Send;

    /// One page of the pull, from `cursor`.
    fn pull(
        &self,
        token: &str,
        cursor: Option<&str>,
    ) -> impl Future<Output = Result<SyncPullResponse, BackendError>> + Send;

    /// Pushes outbox items; the receipts of those the server recorded.
    fn push(
        &self,
        token: &str,
        items: Vec<OutboxItem>,
    ) -> impl Future<Output = Result<SyncPushResponse, BackendError>> + Send;

    /// Unregisters device `device_id` of the signed-in citizen and revokes its tokens.
    fn remove_device(
        &self,
        token: &str,
        device_id: i64,
    ) -> impl Future<Output = Result<(), BackendError>> + Send;

    /// The signed-in citizen's devices that are not removed, the calling one marked.
    fn my_devices(
        &self,
        token: &str,
    ) -> impl Future<Output = Result<DeviceListResponse, BackendError>> + Send;

    /// A fresh challenge for device `device_id` to sign (the bytes, decoded).
    fn device_challenge(&self, device_id: i64) -> impl Future<Output = Result<Vec<u8>, BackendError>> + Send;

    /// Removes device `device_id`, another device of the signed-in citizen, with the step-up:
    /// the calling device's `signature` (a COSE_Sign1) over
    /// [`crate::wallet::devices::remove_device_payload`] of `challenge`.
    fn remove_other_device(
        &self,
        token: &str,
        device_id: i64,
        challenge: &[u8],
        signature: &[u8],
    ) -> impl Future<Output = Result<(), BackendError>> + Send;

    /// A liveness challenge for enrolling `device_key` as a device of the citizen `id_number`.
    fn liveness_enrolment_challenge(
        &self,
        id_number: &str,
        device_key: &VerifyingKey,
        label: &str,
    ) -> impl Future<Output = Result<LivenessChallenge, BackendError>> + Send;

    /// Streams one signed frame batch of server-paced enrolment check `check_id` (no sign-in:
    /// the batch's signature by the check's key is the authentication); what to do now.
    fn stream_enrolment_frames(
        &self,
        check_id: i64,
        signed_batch: Vec<u8>,
    ) -> impl Future<Output = Result<PaceAnswer, BackendError>> + Send;

    /// Streams one signed frame batch of server-paced case check `check_id` of the signed-in
    /// device; what to do now.
    fn stream_case_frames(
        &self,
        token: &str,
        check_id: i64,
        signed_batch: Vec<u8>,
    ) -> impl Future<Output = Result<PaceAnswer, BackendError>> + Send;

    /// The open registration cases naming the signed-in citizen.
    fn identity_requests(
        &self,
        token: &str,
    ) -> impl Future<Output = Result<Vec<IdentityRequestView>, BackendError>> + Send;

    /// A liveness challenge to confirm the citizen's part in registration case `case_id`.
    fn case_challenge(
        &self,
        token: &str,
        case_id: i64,
    ) -> impl Future<Output = Result<LivenessChallenge, BackendError>> + Send;

    /// The signed-in citizen declines to confirm registration case `case_id`, for `reason`; the
    /// request as it now stands.
    fn decline_case(
        &self,
        token: &str,
        case_id: i64,
        reason: DeclineReasonView,
    ) -> impl Future<Output = Result<IdentityRequestView, BackendError>> + Send;

    /// Uploads one file of application `application_id` before the submission that names it
    /// (`PUT /v1/sync/applications/{id}/uploads/{sha256}`); sending it again is harmless.
    fn upload_application_file(
        &self,
        token: &str,
        application_id: &str,
        sha256: &str,
        media_type: UploadTypeDto,
        bytes: Vec<u8>,
    ) -> impl Future<Output = Result<(), BackendError>> + Send;

    /// Submits an application (`POST /v1/sync/applications`); the same id again gets the same
    /// answer.
    fn submit_application(
        &self,
        token: &str,
        request: &SubmissionRequest,
    ) -> impl Future<Output = Result<SubmissionReceipt, BackendError>> + Send;

    /// Resubmits an application after a correction request
    /// (`POST /v1/sync/applications/{id}/correction`).
    fn resubmit_application(
        &self,
        token: &str,
        request: &SubmissionRequest,
    ) -> impl Future<Output = Result<SubmissionReceipt, BackendError>> + Send;

    /// The timeline of the signed-in citizen's application `application_id`
    /// (`GET /v1/sync/applications/{id}`).
    fn application_timeline(
        &self,
        token: &str,
        application_id: &str,
    ) -> impl Future<Output = Result<TimelineView, BackendError>> + Send;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(nonce: &[u8], steps: u8, time_limit_ms: u64) -> LivenessChallengeResponse {
        LivenessChallengeResponse {
            check_id: 7,
            nonce_b64: base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(nonce),
            steps,
            time_limit_ms,
            answer_by: 0,
        }
    }

    #[test]
    fn a_challenge_is_parsed_within_the_cores_ranges() {
        let parsed = LivenessChallenge::parse(response(&[7; 32], 3, 60_000)).expect("well formed");
        assert_eq!(
            parsed,
            LivenessChallenge { check_id: 7, nonce: vec![7; 32], steps: 3, time_limit_ms: 60_000 }
        );
        let malformed = [
            response(&[7; MIN_NONCE_LEN - 1], 3, 60_000),
            response(&[7; MAX_NONCE_LEN + 1], 3, 60_000),
            response(&[7; 32], 2, 60_000),
            response(&[7; 32], 5, 60_000),
            response(&[7; 32], 3, MIN_TIME_LIMIT_MS - 1),
            response(&[7; 32], 3, MAX_TIME_LIMIT_MS + 1),
            LivenessChallengeResponse { nonce_b64: "not base64!".into(), ..response(&[7; 32], 3, 60_000) },
        ];
        for bad in malformed {
            assert!(
                matches!(LivenessChallenge::parse(bad.clone()), Err(BackendError::Malformed(_))),
                "{bad:?}"
            );
        }
    }
}
