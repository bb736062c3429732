//! IPC types of the app's link with the national backend: enrolling this device, the sync
//! status line, "sync now", reminders and notifications.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Arguments of enrolling this device: the citizen's ID number and the one-time code staff gave
/// them (the liveness check will take the code's place). `Debug` hides both.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolRequest {
    /// The 18-character ID number.
    pub id_number: String,
    /// The one-time enrolment code.
    pub enrolment_code: String,
}

impl fmt::Debug for EnrolRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EnrolRequest([redacted])")
    }
}

/// Which step a sync round is at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum SyncStepView {
    /// Signing in with the device key.
    SigningIn,
    /// Pulling changes, page `page` (from 1).
    Pulling {
        /// The page being pulled.
        page: u32,
    },
    /// Refreshing the status lists.
    StatusLists,
    /// Sending what waits in the outbox.
    Pushing,
}

/// Why the last sync round did not finish, as far as the user needs to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncProblemView {
    /// The backend could not be reached; the app retries by itself.
    Offline,
    /// The backend failed or is busy; the app retries by itself.
    ServerUnavailable,
    /// The backend no longer accepts this device (removed, or its token refused).
    DeviceRefused,
    /// The backend sent something that does not verify or parse; nothing of it was stored.
    BadData,
    /// The wallet's own storage failed.
    Storage,
}

/// The sync status line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncStatusView {
    /// Whether a backend is configured in this build or environment.
    pub backend_configured: bool,
    /// Whether this device is enrolled with the backend.
    pub enrolled: bool,
    /// The step of the round running now, if one is.
    pub running: Option<SyncStepView>,
    /// When the last complete round finished (Unix seconds).
    pub last_sync_at: Option<i64>,
    /// Items waiting to be sent.
    pub pending_outbox: u64,
    /// Why the last round failed, if it did (cleared by the next success).
    pub problem: Option<SyncProblemView>,
    /// When the app tries again by itself after a failure (Unix seconds).
    pub next_attempt_at: Option<i64>,
    /// Certificates the last successful round stored.
    pub last_imported: u32,
    /// The one line the wallet shows, decided by the core: it changes only when the state does.
    pub line: SyncLineView,
    /// A problem only the user can resolve (device refused, bad data, storage), shown as a
    /// banner with what to do; `None` when all is well or the app retries by itself.
    pub attention: Option<SyncProblemView>,
}

/// The wallet's one sync line. It holds no age and no countdown, so it does not tick: the text
/// changes only when a round starts, ends or fails.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SyncLineView {
    /// No round has finished yet.
    Never,
    /// A round is running.
    Running,
    /// The last round finished at `at`: `HH:MM` today, else `YYYY-MM-DD HH:MM` (China Standard
    /// Time).
    Synced {
        /// When the last round finished.
        at: String,
    },
    /// The backend cannot be reached or is unavailable; the app retries by itself, and the
    /// certificates held still present offline. `at` as in `Synced`, `None` if never synced.
    Offline {
        /// When the last round finished, if one did.
        at: Option<String>,
    },
}

/// A reminder from the backend, e.g. a certificate that expires soon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReminderView {
    /// The certificate's identifier.
    pub certificate_id: String,
    /// The certificate type's slug; the UI translates it.
    pub type_slug: String,
    /// The end of validity (Unix seconds).
    pub expires_at: i64,
    /// Whole days from today to the end of validity.
    pub days_left: i64,
}

/// The start of the text of the notification the backend sends every other device of the
/// citizen when a new device enrols; the new device's label follows it. The app shows such a
/// notification as a banner until it is acknowledged.
pub const NEW_DEVICE_NOTICE: &str = "新设备已登记：";

/// One of the citizen's devices in "my devices".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyDeviceView {
    /// The backend's id of the device (to remove it).
    pub device_id: i64,
    /// Its label, as given at enrolment.
    pub label: String,
    /// The day it was registered, China Standard Time (`YYYY-MM-DD`).
    pub registered_on: String,
    /// Whether it is this device.
    pub this_device: bool,
}

/// A new device was registered for the citizen (told by the backend); shown until acknowledged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceNoticeView {
    /// The notification's number (acknowledging it acknowledges every earlier one).
    pub id: i64,
    /// The new device's label.
    pub label: String,
    /// The day of the enrolment, China Standard Time (`YYYY-MM-DD`).
    pub day: String,
}

/// Arguments of acknowledging the new-device notices up to and including `up_to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcknowledgeNoticesRequest {
    /// The newest notice the user saw.
    pub up_to: i64,
}

/// Arguments of removing another device of the citizen: its id, and the PIN again (the
/// step-up; the PIN opens the device key that signs the removal). `Debug` hides the PIN.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoveOtherDeviceRequest {
    /// The device to remove.
    pub device_id: i64,
    /// The wallet's PIN, entered again.
    pub pin: String,
}

impl fmt::Debug for RemoveOtherDeviceRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RemoveOtherDeviceRequest").field("device_id", &self.device_id).finish_non_exhaustive()
    }
}
