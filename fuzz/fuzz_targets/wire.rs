//! Every JSON body the backend reads, and the sync page and liveness challenge the app reads,
//! on arbitrary input: the first byte picks the type, the rest is the body. What parses as the
//! wire type then goes through the core's own parser where there is one. The property: no input
//! panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde::de::DeserializeOwned;
use shimin_core::sync::PulledPage;
use shimin_core::wallet::LivenessChallenge;
use shimin_wire::backend::{
    DeviceTokenRequest, EnrolmentCodeRequest, IssueCertificateRequest, LivenessChallengeResponse,
    LivenessEnrolmentRequest, OpenCaseRequest, RegisterDeviceRequest, RenewCertificateRequest, StaffLoginRequest,
    StatusChangeRequest, SyncPullResponse, SyncPushRequest,
};

fn parse<T: DeserializeOwned>(body: &[u8]) -> Option<T> {
    serde_json::from_slice(body).ok()
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, body)) = data.split_first() else { return };
    match which % 13 {
        0 => drop(parse::<StaffLoginRequest>(body)),
        1 => drop(parse::<IssueCertificateRequest>(body)),
        2 => drop(parse::<StatusChangeRequest>(body)),
        3 => drop(parse::<EnrolmentCodeRequest>(body)),
        4 => drop(parse::<RegisterDeviceRequest>(body)),
        5 => drop(parse::<DeviceTokenRequest>(body)),
        6 => drop(parse::<SyncPushRequest>(body)),
        7 => drop(parse::<RenewCertificateRequest>(body)),
        8 => drop(parse::<LivenessEnrolmentRequest>(body)),
        9 => drop(parse::<OpenCaseRequest>(body)),
        10 => drop(parse::<shimin_wire::sync::EnrolRequest>(body)),
        11 => {
            if let Some(page) = parse::<SyncPullResponse>(body) {
                let _ = PulledPage::parse(page);
            }
        }
        _ => {
            if let Some(challenge) = parse::<LivenessChallengeResponse>(body) {
                let _ = LivenessChallenge::parse(challenge);
            }
        }
    }
});
