//! [`BackendClient`] as the wallet's use cases see the backend: the core's
//! [`shimin_core::wallet::Backend`] trait, each method one HTTP call of [`crate::http`] (whose
//! error is the core's [`BackendError`] already).

use shimin_core::crypto::{SigningKey, VerifyingKey};
use shimin_core::wallet::{Backend, BackendError, LivenessChallenge, PaceAnswer};
use shimin_wire::application::{SubmissionReceipt, SubmissionRequest, UploadTypeDto};
use shimin_wire::backend::{
    DeclineReasonView, DeviceListResponse, IdentityRequestView, OutboxItem, SyncPullResponse,
    SyncPushResponse,
};
use shimin_wire::workflow::TimelineView;

use shimin_core::catalogue::sync::CatalogueSource;
use shimin_wire::catalogue::CatalogueChangesResponse;

use crate::http::BackendClient;

impl Backend for BackendClient {
    fn base_url(&self) -> &str {
        BackendClient::base_url(self)
    }

    async fn root_key(&self) -> Result<VerifyingKey, BackendError> {
        BackendClient::root_key(self).await
    }

    async fn trust_list(&self) -> Result<Vec<u8>, BackendError> {
        let document = BackendClient::trust_list(self, None)
            .await?
            .ok_or(BackendError::Malformed("304 without a cached list"))?;
        Ok(document.bytes)
    }

    async fn status_list(&self, uri: &str) -> Result<Vec<u8>, BackendError> {
        Ok(BackendClient::status_list(self, uri).await?.bytes)
    }

    async fn register_device(
        &self,
        id_number: &str,
        enrolment_code: &str,
        device_key: &VerifyingKey,
        label: &str,
    ) -> Result<i64, BackendError> {
        BackendClient::register_device(self, id_number, enrolment_code, device_key, label).await
    }

    async fn sign_in(&self, device_id: i64, device_key: &SigningKey) -> Result<String, BackendError> {
        self.device_token(device_id, device_key).await
    }

    async fn pull(&self, token: &str, cursor: Option<&str>) -> Result<SyncPullResponse, BackendError> {
        BackendClient::pull(self, token, cursor).await
    }

    async fn push(&self, token: &str, items: Vec<OutboxItem>) -> Result<SyncPushResponse, BackendError> {
        BackendClient::push(self, token, items).await
    }

    async fn remove_device(&self, token: &str, device_id: i64) -> Result<(), BackendError> {
        BackendClient::remove_device(self, token, device_id).await
    }

    async fn my_devices(&self, token: &str) -> Result<DeviceListResponse, BackendError> {
        BackendClient::my_devices(self, token).await
    }

    async fn device_challenge(&self, device_id: i64) -> Result<Vec<u8>, BackendError> {
        BackendClient::device_challenge(self, device_id).await
    }

    async fn remove_other_device(
        &self,
        token: &str,
        device_id: i64,
        challenge: &[u8],
        signature: &[u8],
    ) -> Result<(), BackendError> {
        BackendClient::remove_other_device(self, token, device_id, challenge, signature).await
    }

    async fn liveness_enrolment_challenge(
        &self,
        id_number: &str,
        device_key: &VerifyingKey,
        label: &str,
    ) -> Result<LivenessChallenge, BackendError> {
        BackendClient::liveness_enrolment_challenge(self, id_number, device_key, label).await
    }

    async fn stream_enrolment_frames(
        &self,
        check_id: i64,
        signed_batch: Vec<u8>,
    ) -> Result<PaceAnswer, BackendError> {
        PaceAnswer::parse(BackendClient::stream_enrolment_frames(self, check_id, signed_batch).await?)
    }

    async fn stream_case_frames(
        &self,
        token: &str,
        check_id: i64,
        signed_batch: Vec<u8>,
    ) -> Result<PaceAnswer, BackendError> {
        PaceAnswer::parse(BackendClient::stream_case_frames(self, token, check_id, signed_batch).await?)
    }

    async fn identity_requests(&self, token: &str) -> Result<Vec<IdentityRequestView>, BackendError> {
        BackendClient::identity_requests(self, token).await
    }

    async fn case_challenge(&self, token: &str, case_id: i64) -> Result<LivenessChallenge, BackendError> {
        BackendClient::case_challenge(self, token, case_id).await
    }

    async fn decline_case(
        &self,
        token: &str,
        case_id: i64,
        reason: DeclineReasonView,
    ) -> Result<IdentityRequestView, BackendError> {
        BackendClient::decline_case(self, token, case_id, reason).await
    }

    async fn upload_application_file(
        &self,
        token: &str,
        application_id: &str,
        sha256: &str,
        media_type: UploadTypeDto,
        bytes: Vec<u8>,
    ) -> Result<(), BackendError> {
        BackendClient::upload_application_file(self, token, application_id, sha256, media_type, bytes).await
    }

    async fn submit_application(
        &self,
        token: &str,
        request: &SubmissionRequest,
    ) -> Result<SubmissionReceipt, BackendError> {
        BackendClient::submit_application(self, token, request).await
    }

    async fn resubmit_application(
        &self,
        token: &str,
        request: &SubmissionRequest,
    ) -> Result<SubmissionReceipt, BackendError> {
        BackendClient::resubmit_application(self, token, request).await
    }

    async fn application_timeline(
        &self,
        token: &str,
        application_id: &str,
    ) -> Result<TimelineView, BackendError> {
        BackendClient::application_timeline(self, token, application_id).await
    }
}

impl CatalogueSource for BackendClient {
    async fn catalogue_changes(&self, since: u64) -> Result<CatalogueChangesResponse, BackendError> {
        BackendClient::catalogue_changes(self, since).await
    }
}
