//! "My devices": the citizen's devices as the backend lists them, removing another one with a
//! fresh signature of this device's key (the step-up), and the notices of new enrolments.
//!
//! A device enrolled by someone else (an enrolment code obtained by fraud) must not go
//! unnoticed: the backend tells every other device of the citizen, and the app shows that notice
//! until the user acknowledges it. Removing another device needs more than a device token (which
//! a thief could hold): the calling device signs [`remove_device_payload`] over a fresh
//! challenge with its key, which the shell hands over only after the PIN was entered again.

use shimin_wire::backend::DeviceView;
use shimin_wire::sync::{DeviceNoticeView, MyDeviceView, NEW_DEVICE_NOTICE};

use super::backend::{Backend, BackendError};
use super::error::{SyncFailure, WalletError};
use super::store::WalletStore;
use super::sync::sign_in;
use crate::cose;
use crate::crypto::SigningPurpose;
use crate::views;

/// What a device signs to remove device `target`: a fixed label, the target's id (8 bytes,
/// big-endian) and the challenge, so the signature can neither sign a device in nor remove
/// another device. The backend checks the same bytes.
pub fn remove_device_payload(target: i64, challenge: &[u8]) -> Vec<u8> {
    let mut payload = b"shimin remove-device\0".to_vec();
    payload.extend_from_slice(&target.to_be_bytes());
    payload.extend_from_slice(challenge);
    payload
}

/// The key id a device signature carries (the backend knows the key by the device).
const DEVICE_KEY_ID: &[u8] = b"device";

fn view(device: DeviceView) -> MyDeviceView {
    MyDeviceView {
        device_id: device.device_id,
        label: device.label,
        registered_on: views::day_text(device.created_at),
        this_device: device.this_device,
    }
}

/// The citizen's devices that are not removed, oldest first, this one marked.
///
/// # Errors
/// [`SyncFailure::NotEnrolled`], [`SyncFailure::Backend`] (offline, refused).
pub async fn my_devices<S: WalletStore + Send + ?Sized, B: Backend>(
    store: &mut S,
    backend: &B,
) -> Result<Vec<MyDeviceView>, SyncFailure> {
    let (_, token) = sign_in(store, backend).await?;
    let list = backend.my_devices(&token).await?;
    Ok(list.devices.into_iter().map(view).collect())
}

/// Removes device `target`, another device of the citizen: signs in, takes a fresh challenge
/// for this device and signs the removal with this device's key. The caller has checked the
/// PIN again just before (the `store` is the wallet that PIN opened).
///
/// # Errors
/// [`WalletError::BadRequest`] when `target` is this device (removing it erases the wallet: its
/// own use case, [`super::sync::unregister`]); [`WalletError::NotEnrolled`];
/// [`WalletError::Backend`] (offline; `not_found` for a device that is not the citizen's).
pub async fn remove_other_device<S: WalletStore + Send + ?Sized, B: Backend>(
    store: &mut S,
    backend: &B,
    target: i64,
) -> Result<(), WalletError> {
    let enrolment = store.enrolment()?.ok_or(WalletError::NotEnrolled)?;
    if enrolment.device_id == target {
        return Err(WalletError::BadRequest);
    }
    let (enrolment, token) = sign_in(store, backend).await.map_err(WalletError::Backend)?;
    let challenge = backend.device_challenge(enrolment.device_id).await.map_err(backend_failure)?;
    let payload = remove_device_payload(target, &challenge);
    let signature = cose::sign(SigningPurpose::DeviceBinding, &payload, DEVICE_KEY_ID, store.device_key())
        .map_err(|e| backend_failure(BackendError::Sign(e.to_string())))?;
    backend.remove_other_device(&token, target, &challenge, &signature).await.map_err(backend_failure)
}

fn backend_failure(e: BackendError) -> WalletError {
    WalletError::Backend(SyncFailure::Backend(e))
}

/// The notices of new devices not yet acknowledged, newest first: the backend's notifications
/// that start with [`NEW_DEVICE_NOTICE`].
///
/// # Errors
/// [`WalletError::Store`].
pub fn device_notices<S: WalletStore + ?Sized>(store: &S) -> Result<Vec<DeviceNoticeView>, WalletError> {
    Ok(store
        .unacknowledged_notifications()?
        .into_iter()
        .filter_map(|n| {
            let label = n.message.strip_prefix(NEW_DEVICE_NOTICE)?;
            Some(DeviceNoticeView { id: n.id, label: label.to_owned(), day: views::day_text(n.created_at) })
        })
        .collect())
}

/// Acknowledges the notices up to and including `up_to`: the banner goes away.
///
/// # Errors
/// [`WalletError::Store`].
pub fn acknowledge_notices<S: WalletStore + ?Sized>(store: &mut S, up_to: i64) -> Result<(), WalletError> {
    Ok(store.acknowledge_notifications(up_to)?)
}
